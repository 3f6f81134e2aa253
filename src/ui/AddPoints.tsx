// "Add points…" on a finished map: the button (in the map toolbar), and the step it opens — a file
// read through the same preview as any data, then the transform job's progress, then the notice of
// what landed. Containers over the add-points store; AddPointsNotice is the notice's view.
import { Show } from 'solid-js';
import { ACCEPTED_EXTENSIONS } from '../io/formats';
import { workerMode } from '../jobs/run-job';
import { AddPointsAnnouncer } from './AddPointsAnnouncer';
import { AddPointsNotice } from './AddPointsNotice';
import { formatCount } from './format';
import { PreviewStep } from './PreviewStep';
import { ProgressPanel } from './ProgressPanel';
import { useAddPoints } from './store';
import './add-points.css';

const REASON_ID = 'add-points-reason';

/**
 * The toolbar's button: it stays focusable when the map cannot take points, and says why (in its
 * description and tooltip; the text is not laid out, so the toolbar, and the map, keep their size).
 */
export function AddPointsButton() {
  const add = useAddPoints();
  const reason = () => {
    const t = add.target();
    return t.ok ? null : t.reason;
  };
  return (
    <>
      <button
        type="button"
        class="add-points-button"
        data-testid="add-points"
        aria-disabled={reason() ? 'true' : undefined}
        aria-expanded={add.open()}
        aria-controls="add-points-step"
        aria-describedby={reason() ? REASON_ID : undefined}
        title={reason() ?? 'Place the points of another file on this map, without moving it'}
        onClick={() => add.toggle()}
      >
        Add points…
      </button>
      <Show when={reason()}>
        {(r) => (
          <span class="add-points-reason" id={REASON_ID} data-testid="add-points-reason">
            {r()}
          </span>
        )}
      </Show>
    </>
  );
}

/** The add-points step under the toolbar: choose a file, see its preview, add; then progress and the notice. */
export function AddPointsPanel() {
  const add = useAddPoints();
  const target = () => {
    const t = add.target();
    return t.ok ? t : null;
  };
  const canAdd = () => !!add.input() && !add.reading() && !add.refusal();
  return (
    <>
      <AddPointsAnnouncer />
      <div class="add-points-overlay">
        <Show when={add.open() && target()} keyed>
          {(t) => (
            <section class="add-points-step" id="add-points-step" data-testid="add-points-step" aria-label="Add points to this map">
              <h3>Add points to this map</h3>
              <p class="hint">A file of {formatCount(t.d)}-dimensional vectors, in any format the app reads. The map does not move; the new points are placed on it.</p>
              <label class="file-button">
                <span>Choose a file of new points…</span>
                <input
                  type="file"
                  accept={[...ACCEPTED_EXTENSIONS, '.txt'].join(',')}
                  data-testid="add-points-file"
                  disabled={add.reading()}
                  onChange={(e) => {
                    const files = [...(e.currentTarget.files ?? [])];
                    e.currentTarget.value = '';
                    if (files.length > 0) void add.read(files);
                  }}
                />
              </label>
              <PreviewStep
                session={add.ingest}
                ingested={add.input()}
                loading={add.reading()}
                nNeighbors={15}
                shared={workerMode() === 'shared'}
                onReread={(choices) => add.reread(choices)}
                onLabelColumn={(name) => add.relabel(name)}
                addTo={{ d: t.d, refusal: add.refusal() }}
              />
              <div class="row-buttons">
                <button type="button" class="primary" data-testid="add-points-confirm" disabled={!canAdd()} onClick={() => add.confirm()}>
                  {add.input() ? `Add ${formatCount(add.input()!.dataset.n)} points` : 'Add points'}
                </button>
                <button type="button" onClick={() => add.close()}>
                  Cancel
                </button>
              </div>
            </section>
          )}
        </Show>
        <Show when={add.running()} keyed>
          {(r) => (
            <div class="add-points-running" data-testid="add-points-running">
              <p>
                Adding {formatCount(r.m)} points from {r.name}: pause, resume or cancel it in the Jobs panel.
              </p>
              <ProgressPanel phases={add.progress} running={true} elapsedS={null} title="Adding points" testId="add-points-progress" />
            </div>
          )}
        </Show>
        <Show when={add.landed()} keyed>
          {(b) => <AddPointsNotice batch={b} onRefit={() => void add.refitWithAll()} refitBusy={add.refitBusy()} onDismiss={() => add.dismissLanded()} />}
        </Show>
      </div>
    </>
  );
}
