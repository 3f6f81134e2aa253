import { For, Show } from 'solid-js';
import type { JobProgress } from '../jobs/run-job';
import { PHASES, type PhaseName } from '../jobs/engine-api';
import { formatCount, formatSeconds } from './format';

export const PHASE_LABELS: Record<PhaseName, string> = { knn: 'kNN', graph: 'graph', init: 'init', layout: 'layout' };

export type PhaseProgress = Partial<Record<PhaseName, JobProgress>>;

/** The latest phase with a report: the one the job is in. */
export function currentPhase(phases: PhaseProgress): JobProgress | undefined {
  for (let i = PHASES.length - 1; i >= 0; i--) {
    const p = phases[PHASES[i]!];
    if (p) return p;
  }
  return undefined;
}

/**
 * Per-phase bars. `title` and `testId` name a second panel apart from the Run's (a transform's,
 * "Adding points"); its bars' labels then start with the title. `job` names the job the bars are
 * of. A paused job shows no ETA. Phase changes are announced by the map's progress overlay (one
 * live region for the page), not here.
 */
export function ProgressPanel(props: { phases: PhaseProgress; running: boolean; paused?: boolean; elapsedS: number | null; title?: string; testId?: string; job?: string }) {
  const barLabel = (phase: PhaseName) => (props.title ? `${props.title}: ${PHASE_LABELS[phase]} progress` : `${PHASE_LABELS[phase]} progress`);
  const current = () => currentPhase(props.phases);
  return (
    <section class="progress" data-testid={props.testId ?? 'progress'}>
      <h2>{props.title ?? 'Progress'}</h2>
      <Show when={props.job}>
        {(name) => (
          <p class="progress-job" data-testid="progress-job">
            {name()}
          </p>
        )}
      </Show>
      <Show when={props.elapsedS !== null}>
        <p class="elapsed">
          elapsed {formatSeconds(props.elapsedS)}
          <Show when={props.paused}> · paused</Show>
          <Show when={props.running && current()?.etaS != null}> · ETA {formatSeconds(current()?.etaS)}</Show>
        </p>
      </Show>
      <For each={PHASES}>
        {(phase) => {
          const p = () => props.phases[phase];
          // A phase with no report of its own but a later one reporting was done before (in a run
          // before a reload, or too fast to report): it is complete, not waiting.
          const doneBefore = () => {
            const c = current();
            return !p() && !!c && PHASES.indexOf(c.phase) > PHASES.indexOf(phase);
          };
          const frac = () => {
            const v = p();
            if (doneBefore()) return 1;
            return v && v.total > 0 ? Math.min(1, v.done / v.total) : 0;
          };
          const complete = () => {
            const v = p();
            return doneBefore() || (!!v && v.done >= v.total);
          };
          return (
            <div class="phase" classList={{ active: !!p() && !complete() && props.running, complete: complete() }} data-phase={phase}>
              <div class="phase-head">
                <span class="phase-name">{PHASE_LABELS[phase]}</span>
                <span class="phase-count">
                  <Show when={p()} fallback={doneBefore() ? 'done' : 'waiting'}>
                    {(v) => (
                      <>
                        {formatCount(v().done)} / {formatCount(v().total)} {v().unit}
                      </>
                    )}
                  </Show>
                </span>
              </div>
              <div class="bar" role="progressbar" aria-label={barLabel(phase)} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac() * 100)}>
                <div class="bar-fill" style={{ width: `${(frac() * 100).toFixed(1)}%` }} />
              </div>
              <Show when={p()}>
                {(v) => (
                  <div class="phase-time">
                    {formatSeconds(v().phaseElapsedS)}
                    <Show when={!complete() && v().label}> · {v().label}</Show>
                    <Show when={!complete() && props.running && v().etaS != null}> · ETA {formatSeconds(v().etaS)}</Show>
                  </div>
                )}
              </Show>
            </div>
          );
        }}
      </For>
    </section>
  );
}
