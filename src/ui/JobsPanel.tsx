import { createSignal, For, onCleanup, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { JobView, Scheduler } from '../jobs/scheduler';
import type { Priority } from '../jobs/job-store';
import { describeReuse, type GraphReuse } from '../jobs/graph-store';
import { formatCount, formatSeconds } from './format';
import { paramSummary, startLine } from './job-label';
import './jobs.css';

type JobRow = JobView & { reused: GraphReuse | null };

const PHASE_NAMES: Record<string, string> = { knn: 'kNN', graph: 'graph', init: 'init', layout: 'layout' };

/** Points done in the job as a whole, for the "12,000 / 70,000 points" line. */
function pointsLine(j: JobView): string {
  const p = j.progress;
  if (!p) return `0 / ${formatCount(j.n)} points`;
  if (p.unit === 'points') return `${formatCount(p.done)} / ${formatCount(p.total)} points (${PHASE_NAMES[p.phase]})`;
  return `${PHASE_NAMES[p.phase]} ${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit} · ${formatCount(j.n)} points`;
}

function stateLabel(j: JobView): string {
  if (j.elsewhere) return j.state === 'running' ? 'running in another tab' : `${j.state} in another tab`;
  return j.state;
}

/** A fit that can be followed on the map while it runs or waits here (a transform shows on its parent's map). */
const followable = (j: JobView) => j.kind !== 'transform' && !j.knnOnly && !j.elsewhere && (j.state === 'running' || j.state === 'queued' || j.state === 'paused');

/**
 * The job list: state badge, name (file, parameters, start time), progress, ETA, and
 * show/pause/resume/cancel/retry/delete per job. `onFollow` puts a running job on the map.
 */
export function JobsPanel(props: { scheduler: Scheduler; shownId: string | null; onShow(id: string): void; onFollow?(id: string): void }) {
  // Reconciled by id, so a progress tick updates a job's fields instead of re-creating its row.
  // Each row also says which stored graph its fit reused, if any.
  const rows = (): JobRow[] => props.scheduler.list().map((j) => ({ ...j, reused: props.scheduler.reused(j.id) }));
  const [state, setState] = createStore<{ jobs: JobRow[] }>({ jobs: rows() });
  onCleanup(props.scheduler.subscribe(() => setState('jobs', reconcile(rows(), { key: 'id' }))));
  const jobs = () => state.jobs;
  const s = props.scheduler;
  return (
    <section class="jobs" data-testid="jobs">
      <h2>Jobs</h2>
      <Show when={jobs().length > 0} fallback={<p class="muted">No jobs yet. Run creates one.</p>}>
        <ul class="job-list">
          <For each={jobs()}>
            {(j) => {
              // Cancel asks once: delete the job with its stored data (the default), or keep it for a retry.
              const [confirming, setConfirming] = createSignal(false);
              const frac = () => (j.progress && j.progress.total > 0 ? Math.min(1, j.progress.done / j.progress.total) : j.state === 'completed' ? 1 : 0);
              return (
                <li class="job" classList={{ shown: props.shownId === j.id }} data-testid="job" data-job-id={j.id} data-state={j.state}>
                  <div class="job-head">
                    <span class={`badge badge-${j.elsewhere ? 'elsewhere' : j.state}`} data-testid="job-state">
                      {stateLabel(j)}
                    </span>
                    <span class="job-name" title={j.kind === 'transform' ? `${j.name} (${j.id})` : j.id}>
                      {j.kind === 'transform' ? `Add ${j.n.toLocaleString('en-US')} points to ${jobs().find((p) => p.id === j.parent)?.name ?? 'a map'}` : j.name}
                    </span>
                    <Show when={!j.immediate && (j.state === 'queued' || j.state === 'paused' || j.state === 'interrupted')}>
                      <select class="job-priority" aria-label="priority" value={j.priority} onChange={(ev) => s.setPriority(j.id, ev.currentTarget.value as Priority)}>
                        <option value="high">high</option>
                        <option value="normal">normal</option>
                        <option value="low">low</option>
                      </select>
                    </Show>
                  </div>
                  <div class="job-line job-params" data-testid="job-params">
                    {j.kind === 'transform' ? startLine(j) : `${paramSummary(j.params)} · ${startLine(j)}`}
                  </div>
                  <div class="bar" role="progressbar" aria-label={`${j.name}: progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac() * 100)}>
                    <div class="bar-fill" style={{ width: `${(frac() * 100).toFixed(1)}%` }} />
                  </div>
                  <div class="job-line" data-testid="job-progress">
                    {pointsLine(j)} · {formatSeconds(j.elapsedS)}
                    <Show when={j.state === 'running' && j.local && j.etaS != null}> · ETA {formatSeconds(j.etaS)}</Show>
                    <Show when={j.state === 'queued' && j.stored}> · data saved: survives a reload</Show>
                  </div>
                  <Show when={j.reused}>
                    {(r) => (
                      <div class="job-line" data-testid="job-reused">
                        {describeReuse(r())}
                      </div>
                    )}
                  </Show>
                  <Show when={j.error}>
                    <div class="job-error" data-testid="job-error">
                      {j.error}
                    </div>
                  </Show>
                  <Show when={j.storageWarning}>
                    <div class="job-warning" data-testid="job-warning">
                      {j.storageWarning}
                    </div>
                  </Show>
                  <div class="job-actions">
                    <Show when={j.state === 'queued' && !j.elsewhere}>
                      <button type="button" title="Earlier in the queue" onClick={() => s.move(j.id, -1)}>
                        ↑
                      </button>
                      <button type="button" title="Later in the queue" onClick={() => s.move(j.id, 1)}>
                        ↓
                      </button>
                    </Show>
                    <Show when={!j.immediate && !j.elsewhere && (j.state === 'running' || j.state === 'queued')}>
                      <button type="button" data-testid="job-pause" onClick={() => void s.pause(j.id)}>
                        Pause
                      </button>
                    </Show>
                    <Show when={!j.elsewhere && (j.state === 'paused' || j.state === 'interrupted')}>
                      <button type="button" data-testid="job-resume" onClick={() => s.resume(j.id)}>
                        Resume
                      </button>
                    </Show>
                    <Show when={!j.elsewhere && (j.state === 'running' || j.state === 'queued' || j.state === 'paused' || j.state === 'interrupted')}>
                      <Show
                        when={confirming()}
                        fallback={
                          <button type="button" data-testid="job-cancel" onClick={() => (j.immediate ? s.cancel(j.id) : setConfirming(true))}>
                            Cancel
                          </button>
                        }
                      >
                        {/* biome-ignore lint/a11y/useSemanticElements: a fieldset would be a form section; this is two buttons inline in a row, grouped for screen readers */}
                        <span class="job-confirm" role="group" aria-label="Cancel this job">
                          <button type="button" data-testid="job-cancel-delete" title="Stop now and delete the job, its checkpoints and its stored data" onClick={() => s.cancel(j.id)}>
                            Stop and delete
                          </button>
                          <button
                            type="button"
                            data-testid="job-cancel-keep"
                            title="Stop now; keep the job and its data for a retry (until the retention period ends)"
                            onClick={() => {
                              setConfirming(false);
                              s.cancel(j.id, true);
                            }}
                          >
                            Stop, keep data
                          </button>
                          <button type="button" onClick={() => setConfirming(false)}>
                            Back
                          </button>
                        </span>
                      </Show>
                    </Show>
                    <Show when={!j.elsewhere && (j.state === 'failed' || j.state === 'cancelled')}>
                      <button type="button" data-testid="job-retry" onClick={() => s.retry(j.id)}>
                        Retry
                      </button>
                    </Show>
                    <Show when={j.state === 'completed'}>
                      <button type="button" data-testid="job-show" onClick={() => props.onShow(j.id)}>
                        Show
                      </button>
                    </Show>
                    <Show when={props.onFollow && props.shownId !== j.id && followable(j) && (j.local || j.state !== 'running')}>
                      <button type="button" data-testid="job-follow" title="Show this job's progress and map as it runs" onClick={() => props.onFollow?.(j.id)}>
                        Show
                      </button>
                    </Show>
                    <Show when={!j.elsewhere && j.state !== 'running'}>
                      <button type="button" data-testid="job-delete" onClick={() => void s.remove(j.id)}>
                        Delete
                      </button>
                    </Show>
                  </div>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </section>
  );
}
