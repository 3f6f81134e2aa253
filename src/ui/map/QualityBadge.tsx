// The finished map's quality, over the map: trustworthiness and kNN recall at 15 neighbours on a
// sample, with a line saying what they mean and, on demand, how they are computed.
import { Match, Show, Switch } from 'solid-js';
import { useMapStore } from '../store';
import './quality-badge.css';

const fixed = (v: number) => v.toFixed(3);

export function QualityBadge() {
  const map = useMapStore();
  const state = () => map.quality.state();
  const measuring = () => {
    const s = state();
    return s.status === 'measuring' ? s : null;
  };
  const failed = () => {
    const s = state();
    return s.status === 'failed' ? s.message : null;
  };
  const unavailable = () => {
    const s = state();
    return s.status === 'none' ? s.reason : null;
  };
  return (
    <Show when={state().status !== 'none' || unavailable()}>
      <section class="quality-badge" data-testid="quality-badge" aria-label="Map quality">
        <Switch>
          <Match when={measuring()}>
            {(m) => (
              <p role="status" data-testid="quality-measuring">
                Measuring quality… {Math.round((100 * m().done) / Math.max(1, m().total))} %
              </p>
            )}
          </Match>
          <Match when={map.quality.value()}>
            {(q) => (
              <>
                <p class="quality-numbers" data-testid="quality-values" data-trust={q().trustworthiness} data-recall={q().knnRecall} data-sample={q().sample.length}>
                  <span title="Trustworthiness at 15 neighbours">
                    trust <strong data-testid="quality-trust">{fixed(q().trustworthiness)}</strong>
                  </span>{' '}
                  ·{' '}
                  <span title="kNN recall at 15 neighbours">
                    recall <strong data-testid="quality-recall">{fixed(q().knnRecall)}</strong>
                  </span>
                </p>
                <p class="quality-line">How well the map keeps each point's 15 nearest neighbours, on {q().sample.length.toLocaleString('en-US')} sampled points.</p>
                <details class="quality-more">
                  <summary>What do these mean?</summary>
                  <p>
                    <b>Trustworthiness</b> (0–1; 1 is best) penalises points that look close on the map but are far apart in the original space: for each sampled point, the map's 15 nearest
                    neighbours are ranked by their original distance (as scikit-learn's <code>trustworthiness</code>, among the sampled points).
                  </p>
                  <p>
                    <b>kNN recall</b> is the share of each point's 15 exact nearest neighbours in the original space (Euclidean, among all {q().n.toLocaleString('en-US')} rows) that are also
                    among its 15 nearest on the map. UMAP keeps local structure well, so trust is usually above 0.95; recall of 0.3–0.7 is typical for a 2-D map.
                  </p>
                  <p>Measured in {q().seconds.toFixed(1)} s, in a Worker, with the same code as the benchmark.</p>
                </details>
              </>
            )}
          </Match>
          <Match when={failed()}>{(message) => <p class="error-text">{message()}</p>}</Match>
          <Match when={unavailable()}>
            {(reason) => (
              <p class="hint" data-testid="quality-unavailable">
                {reason()}
              </p>
            )}
          </Match>
        </Switch>
      </section>
    </Show>
  );
}
