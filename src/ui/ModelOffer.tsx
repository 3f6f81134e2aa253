// "Prepare for adding points" for a precomputed map that came with its vectors: what the kNN-only
// pass will use (and which parameters it has to assume), its progress, and when the map is ready.
import { Show } from 'solid-js';
import { formatCount } from './format';
import { useMapModel } from './store';

export function ModelOffer() {
  const model = useMapModel();
  return (
    <>
      <Show when={model.offer()} keyed>
        {(o) => (
          <div class="model-offer" data-testid="model-offer">
            <p class="summary">
              This map's file also holds its vectors ({formatCount(o.n)} × {formatCount(o.d)}). A kNN-only pass over them (n_neighbors {o.nNeighbors}, {o.metric}, from the parameters) keeps
              a model, so points can be added without moving the map. Its own min_dist and spread are unknown: new points are placed with min_dist {o.minDist} and spread {o.spread} (assumed,
              from the parameters).
            </p>
            <button type="button" data-testid="prepare-model" onClick={() => model.prepare()}>
              Prepare for adding points
            </button>
          </div>
        )}
      </Show>
      <Show when={model.job()} keyed>
        {(j) => (
          <p class="summary" data-testid="model-status">
            {j.state === 'failed' ? `Preparing for adding points failed: ${j.error ?? 'unknown error'}` : `Preparing for adding points: ${j.state} (see Jobs).`}
          </p>
        )}
      </Show>
      <Show when={model.ready()}>
        <p class="summary" data-testid="model-ready">
          This map is ready for adding points: its model is kept in this browser.
        </p>
      </Show>
      <Show when={model.error()}>
        {(e) => (
          <p class="job-error" data-testid="model-error">
            {e()}
          </p>
        )}
      </Show>
    </>
  );
}
