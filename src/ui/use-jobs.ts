// The Run button's side of the app: submits runs to the scheduler, follows the shown job's progress,
// log and previews onto the screen, and puts finished jobs on the map.
import { batch, createSignal, onCleanup, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { autoEpochs, resolveParams } from '../engine/params';
import { PHASES, type UmapResult } from '../engine/types';
import type { Ingested } from '../jobs/ingest-client';
import type { JobProgress } from '../jobs/run-job';
import { Scheduler } from '../jobs/scheduler';
import { installJobsTestHook } from '../jobs/jobs-test-hook';
import { formatCount, formatSeconds } from './format';
import { frameScheduler, type FrameScheduler } from './frame-scheduler';
import { normalizeToUnitSquare } from './normalize';
import { readParams, type ParamsFormState } from './params-form-model';
import type { PhaseProgress } from './ProgressPanel';
import type { MapFrame } from './ScatterMap';
import type { AppStatus } from './test-hook';

export interface JobsDeps {
  status: Accessor<AppStatus>;
  setStatus(s: AppStatus): void;
  setError(message: string | null): void;
  fail(err: unknown): void;
  input: Accessor<Ingested | null>;
  form: ParamsFormState;
  /** A valid run is about to start on this data. */
  onRunStart(ing: Ingested): void;
  showCoords(coords: Float32Array, nComponents: number, ing: Ingested, final: boolean): void;
  setFinalCoords(coords: Float32Array): void;
  setFrame(f: MapFrame): void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function useJobs(deps: JobsDeps) {
  const { status, setStatus, setError, fail, input, form } = deps;
  const [phases, setPhases] = createStore<PhaseProgress>({});
  const [elapsed, setElapsed] = createSignal<number | null>(null);
  const [log, setLog] = createSignal<string[]>([]);
  const [summary, setSummary] = createSignal<string | null>(null);
  let job: { id: string; cancel(): void } | null = null;
  // Every run goes through the scheduler; the map shows the job last run or chosen in the jobs panel.
  const scheduler = new Scheduler();
  const [shownJob, setShownJob] = createSignal<string | null>(null);
  installJobsTestHook(scheduler);
  let updates: FrameScheduler | null = null;
  // Bumped on every new run or cancel so callbacks from a superseded job are ignored.
  let runId = 0;

  // Stop following the shown job; it goes on in the jobs panel.
  const detach = () => {
    runId++;
    updates?.cancel();
    updates = null;
    job = null;
    if (status() === 'running') setStatus('idle');
  };

  const cancel = () => {
    const j = job;
    detach();
    j?.cancel();
  };

  const run = () => {
    const ing = input();
    if (!ing) {
      fail(new Error('Choose a file (or the digits demo) first.'));
      return;
    }
    const { data, n, d, memory } = ing.dataset;
    let params;
    try {
      params = readParams(form);
      // Same validation the engine applies, done here so bad parameters fail before any worker starts.
      resolveParams(params, n);
    } catch (err) {
      // A running job is left alone: only a valid new run replaces it.
      if (job) setError(messageOf(err));
      else fail(err);
      return;
    }
    // Earlier jobs keep running in the scheduler; the view follows the new one.
    detach();
    deps.onRunStart(ing);
    const id = ++runId;
    // Progress and previews travel on their own message port, so a few can land after the result:
    // once the result is in, they are stale and must not overwrite the final map or the bars.
    let finished = false;
    const live = () => id === runId && !finished;
    batch(() => {
      setError(null);
      setStatus('running');
      setPhases(reconcile({}));
      setElapsed(0);
      setLog([]);
      setSummary(null);
    });
    // Callbacks only record the latest state; the screen catches up once per animation frame.
    const latest: PhaseProgress = {};
    const newLines: string[] = [];
    let preview: { coords: Float32Array; nComponents: number } | null = null;
    const frameUpdates = frameScheduler(() => {
      if (!live()) return;
      batch(() => {
        let last: JobProgress | undefined;
        for (const phase of PHASES) {
          const p = latest[phase];
          if (!p) continue;
          setPhases(phase, p);
          last = p;
          delete latest[phase];
        }
        if (last) setElapsed(last.elapsedS);
        if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
        if (preview) deps.showCoords(preview.coords, preview.nComponents, ing, false);
        preview = null;
      });
    });
    updates = frameUpdates;
    let handle: { id: string; cancel(): void; result: Promise<UmapResult> };
    try {
      const jobId = scheduler.submit({ data, n, d, memory }, params, { name: ing.dataset.fileName, categories: ing.categories, ...(ing.dataset.labelName !== undefined ? { labelName: ing.dataset.labelName } : {}) }, {
        onProgress: (p) => {
          if (!live()) return;
          latest[p.phase] = p;
          frameUpdates.request();
        },
        onLog: (line) => {
          if (!live()) return;
          newLines.push(line);
          frameUpdates.request();
        },
        onPreview: (coords, nComponents) => {
          if (!live()) return;
          preview = { coords, nComponents };
          frameUpdates.request();
        },
      });
      handle = { id: jobId, cancel: () => scheduler.cancel(jobId), result: scheduler.whenDone(jobId) };
      setShownJob(jobId);
    } catch (err) {
      fail(err);
      return;
    }
    job = handle;
    handle.result.then(
      (res) => {
        if (!live()) return;
        finished = true;
        frameUpdates.cancel();
        job = null;
        deps.setFinalCoords(res.embedding);
        const t = res.timings;
        const total = t.knn + t.graph + t.init + t.layout;
        batch(() => {
          deps.showCoords(res.embedding, res.nComponents, ing, true);
          // The result's log is the job's full account; lines still waiting for a frame are in it too.
          if (res.log.length > 0) setLog(res.log);
          else if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
          for (const phase of PHASES) {
            const p = phases[phase];
            if (p) setPhases(phase, { done: p.total, etaS: 0, phaseElapsedS: t[phase] });
          }
          const epochs = res.params.nEpochs ?? autoEpochs(res.n);
          setPhases('layout', { phase: 'layout', done: epochs, total: epochs, unit: 'epochs', elapsedS: total, etaS: 0, phaseElapsedS: t.layout });
          setElapsed(total);
          setSummary(
            `${formatCount(res.n)} points in ${formatSeconds(total)} — kNN ${formatSeconds(t.knn)}, graph ${formatSeconds(t.graph)}, init ${formatSeconds(t.init)}, layout ${formatSeconds(t.layout)}`,
          );
          setStatus('done');
        });
      },
      (err) => {
        if (!live()) return;
        finished = true;
        frameUpdates.cancel();
        job = null;
        // The job's last log lines often explain the failure.
        if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
        fail(err);
      },
    );
  };

  onCleanup(() => cancel());
  onCleanup(() => scheduler.dispose());

  /** Put a completed job's result on the map (from memory, or from the store after a reload). */
  const showJob = async (id: string) => {
    const r = await scheduler.result(id);
    if (!r) return;
    detach();
    deps.setFinalCoords(r.embedding);
    const plane = normalizeToUnitSquare(r.embedding, r.nComponents);
    const f: MapFrame = { ...plane, categories: r.rec.categories, final: true };
    if (r.rec.labelName !== undefined) f.labelName = r.rec.labelName;
    batch(() => {
      setShownJob(id);
      deps.setFrame(f);
      setLog(r.log);
      setError(null);
      setStatus('done');
    });
  };
  // Jobs that finish while the map is free (resumed after a reload, or queued earlier) are shown.
  const seenDone = new Set<string>();
  onCleanup(
    scheduler.subscribe(() => {
      for (const j of scheduler.list()) {
        if (j.state !== 'completed' || seenDone.has(j.id)) continue;
        seenDone.add(j.id);
        if (!job && status() !== 'running' && j.interrupted) void showJob(j.id);
      }
    }),
  );

  return {
    scheduler,
    phases,
    elapsed,
    log,
    summary,
    shownJob,
    run,
    cancel,
    detach,
    showJob,
    /** Whether the screen follows a job still running; a bad file or bad parameters then only warn. */
    following: () => job !== null,
  };
}
