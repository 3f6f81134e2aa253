// The followed job, on the map: from the moment Run is pressed its name, phase, bar, ETA and
// Cancel (and Pause/Resume) lie over the map, as a card while the map is empty and as a chip once
// points are drawn; when it finishes, "Map finished in 2.3 s" shows briefly. Its one live region
// tells screen readers when a phase ends, a pause or resume, and the finished map.
import { createEffect, createMemo, createSignal, on, onCleanup, Show } from 'solid-js';
import { PHASES, type PhaseName } from '../../jobs/engine-api';
import type { JobView } from '../../jobs/scheduler';
import { formatCount, formatSeconds } from '../format';
import { paramSummary, startLine } from '../job-label';
import { currentPhase, PHASE_LABELS } from '../ProgressPanel';
import { useAppStore, useJobsStore, useMapStore } from '../store';
import './map-progress.css';

/** What the next phase does, for "kNN done, building the graph…". */
const NEXT_STEP: Record<PhaseName, string> = {
  knn: 'finding neighbours',
  graph: 'building the graph',
  init: 'placing the first layout',
  layout: 'laying out the map',
};

const DONE_NOTE_MS = 4000;

export function MapProgress() {
  const app = useAppStore();
  const jobs = useJobsStore();
  const map = useMapStore();
  const report = jobs.report;
  const job = () => jobs.followedView();
  const current = () => currentPhase(report.phases);
  const compact = () => map.n() > 0;
  const [doneNote, setDoneNote] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal('');
  let doneTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(doneTimer));

  // The job's end: a note while the finished map appears, then nothing over the map.
  createEffect(
    on(jobs.followedId, (id, before) => {
      clearTimeout(doneTimer);
      if (id) return setDoneNote(null);
      if (!before || app.status() !== 'done' || jobs.shownJob() !== before) return;
      const note = `Map finished in ${formatSeconds(report.elapsed())}`;
      setDoneNote(note);
      setAnnouncement(`${note}.`);
      doneTimer = setTimeout(() => setDoneNote(null), DONE_NOTE_MS);
    }),
  );

  // Phase changes, pauses and resumes, told once each.
  const stage = createMemo(() => {
    const j = job();
    return j ? `${j.id}|${current()?.phase ?? ''}|${j.state}` : null;
  });
  createEffect(
    on(stage, (key, before) => {
      const j = job();
      if (!key || !j) return;
      const [id, phase, state] = key.split('|');
      const [beforeId, beforePhase, beforeState] = (before ?? '||').split('|');
      if (id !== beforeId) return setAnnouncement(`Job started: ${j.name}, ${paramSummary(j.params)}.`);
      if (state !== beforeState && state === 'paused') return setAnnouncement('Job paused.');
      if (state !== beforeState && beforeState === 'paused') return setAnnouncement('Job resumed.');
      if (phase && phase !== beforePhase && beforePhase) {
        // A short phase may end between two screen updates: every phase passed is named.
        const from = PHASES.indexOf(beforePhase as PhaseName);
        const to = PHASES.indexOf(phase as PhaseName);
        const passed = PHASES.slice(from, Math.max(from + 1, to)).map((p) => PHASE_LABELS[p]);
        setAnnouncement(`${passed.join(' and ')} done, ${NEXT_STEP[phase as PhaseName]}…`);
      }
    }),
  );

  return (
    <>
      <div class="visually-hidden" role="status" data-testid="job-announcer">
        {announcement()}
      </div>
      <Show when={job()}>{(j) => <JobCard job={j()} compact={compact()} />}</Show>
      <Show when={!job() && doneNote()}>
        {(note) => (
          <div class="map-progress-done" data-testid="map-progress-done">
            {note()}
          </div>
        )}
      </Show>
    </>
  );

  function JobCard(props: { job: JobView; compact: boolean }) {
    const frac = () => {
      const p = current();
      if (!p || p.total <= 0) return 0;
      // The whole job's share: finished phases plus this one's part (each phase an equal share).
      return (PHASES.indexOf(p.phase) + Math.min(1, p.done / p.total)) / PHASES.length;
    };
    const phaseText = () => {
      const j = props.job;
      if (j.state === 'queued') return 'Queued: waiting for a free slot';
      const p = current();
      const prefix = j.state === 'paused' ? 'Paused · ' : '';
      if (!p) return `${prefix}Starting…`;
      return `${prefix}${PHASE_LABELS[p.phase]} ${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}`;
    };
    const eta = () => {
      const p = current();
      return props.job.state === 'running' && p?.etaS != null ? p.etaS : null;
    };
    const canPause = () => !props.job.immediate && (props.job.state === 'running' || props.job.state === 'queued');
    return (
      <section class="map-progress" classList={{ compact: props.compact, card: !props.compact }} data-testid="map-progress" data-state={props.job.state} aria-labelledby="map-progress-title">
        <div class="map-progress-text">
          <h2 id="map-progress-title" class="map-progress-title" data-testid="map-progress-title">
            {props.job.name}
          </h2>
          <p class="map-progress-params" data-testid="map-progress-params">
            {paramSummary(props.job.params)} · {startLine(props.job)}
          </p>
          <p class="map-progress-phase" data-testid="map-progress-phase">
            {phaseText()}
            <Show when={!props.compact && current()?.label}>{(label) => <span class="map-progress-label"> · {label()}</span>}</Show>
          </p>
        </div>
        <div
          class="bar map-progress-bar"
          role="progressbar"
          aria-label="Job progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(frac() * 100)}
          aria-valuetext={phaseText()}
          data-testid="map-progress-bar"
        >
          <div class="bar-fill" style={{ width: `${(frac() * 100).toFixed(1)}%` }} />
        </div>
        <p class="map-progress-time" data-testid="map-progress-time">
          elapsed {formatSeconds(report.elapsed() ?? 0)}
          <Show when={eta()}>{(s) => <> · ETA {formatSeconds(s())}</>}</Show>
        </p>
        <div class="map-progress-actions">
          <Show when={canPause()}>
            <button type="button" data-testid="map-progress-pause" onClick={() => jobs.pause()}>
              Pause
            </button>
          </Show>
          <Show when={props.job.state === 'paused'}>
            <button type="button" data-testid="map-progress-resume" onClick={() => jobs.resume()}>
              Resume
            </button>
          </Show>
          <button type="button" data-testid="map-progress-cancel" onClick={() => jobs.cancel()}>
            Cancel
          </button>
          <button type="button" data-testid="map-progress-another" title="Open the parameters for another job; this one goes on" onClick={() => jobs.askParams()}>
            Run another…
          </button>
        </div>
      </section>
    );
  }
}
