// The Run button's side of the app: submits runs to the scheduler, follows the shown job's progress,
// log and previews onto the screen, and puts finished jobs on the map.
import { batch, createSignal, onCleanup } from 'solid-js';
import { epochsFor, resolveParams, warmStartOf, type UmapParams, type WarmStart } from '../../jobs/engine-api';
import type { Ingested } from '../../jobs/ingest-client';
import type { JobResult } from '../../jobs/job-protocol';
import { Scheduler } from '../../jobs/scheduler';
import type { LinkSource } from '../../share/link';
import { frameScheduler, type FrameScheduler } from '../frame-scheduler';
import { readParams, type ParamsFormState } from '../params-form-model';
import type { PhaseProgress } from '../ProgressPanel';
import type { AppStore } from './app-store';
import type { MapStore } from './map-store';
import { createRunReport } from './run-report';

export function createJobsStore(app: AppStore, map: MapStore) {
  // Every run goes through the scheduler; the map shows the job last run or chosen in the jobs panel.
  const scheduler = new Scheduler();
  const report = createRunReport();
  const [shownJob, setShownJob] = createSignal<string | null>(null);
  let job: { id: string; cancel(): void } | null = null;
  let updates: FrameScheduler | null = null;
  // Bumped on every new run or cancel so callbacks from a superseded job are ignored.
  let runId = 0;
  // The last run's rows and form, so "Re-run with…" can submit the same data with a few values changed.
  const [lastRun, setLastRun] = createSignal<{ jobId: string; ing: Ingested; form: ParamsFormState; source: LinkSource | null } | null>(null);

  /** Stop following the shown job; it goes on in the jobs panel. */
  const detach = () => {
    runId++;
    updates?.cancel();
    updates = null;
    job = null;
    if (app.status() === 'running') app.setStatus('idle');
  };

  const cancel = () => {
    const j = job;
    detach();
    j?.cancel();
  };

  /**
   * Start a job on these data with the form's parameters, and follow it on screen; `warm` starts its
   * layout from a map's coordinates (given the parameters, it is made for the run's epochs).
   */
  const run = (ing: Ingested | null, form: ParamsFormState, source: LinkSource | null, warm?: (params: UmapParams) => WarmStart) => {
    if (!ing) return app.fail(new Error('Choose a file (or the digits demo) first.'));
    const { data, n, d, memory } = ing.dataset;
    let params: Partial<UmapParams>;
    let warmStart: WarmStart | undefined;
    try {
      params = readParams(form);
      // Same validation the engine applies, done here so bad parameters fail before any worker starts.
      const resolved = resolveParams(params, n);
      warmStart = warm?.(resolved);
    } catch (err) {
      // A running job is left alone: only a valid new run replaces it.
      if (job) app.warn(err);
      else app.fail(err);
      return;
    }
    // Earlier jobs keep running in the scheduler; the view follows the new one.
    detach();
    map.beginRun(source, { ...form });
    const id = ++runId;
    // Progress and previews travel on their own message port, so a few can land after the result:
    // once the result is in, they are stale and must not overwrite the final map or the bars.
    let finished = false;
    const live = () => id === runId && !finished;
    batch(() => {
      app.clearError();
      app.setStatus('running');
      report.reset();
    });
    // Callbacks only record the latest state; the screen catches up once per animation frame.
    let latest: PhaseProgress = {};
    const newLines: string[] = [];
    let preview: { coords: Float32Array; nComponents: number } | null = null;
    const labels = { categories: ing.categories, ...(ing.dataset.labelName !== undefined ? { labelName: ing.dataset.labelName } : {}) };
    const frameUpdates = frameScheduler(() => {
      if (!live()) return;
      batch(() => {
        report.progress(latest, newLines.splice(0));
        latest = {};
        if (preview) map.show(preview.coords, preview.nComponents, labels, false);
        preview = null;
      });
    });
    updates = frameUpdates;
    let jobId: string;
    let done: ReturnType<Scheduler['whenDone']>;
    try {
      jobId = scheduler.submit(
        memory ? { data, n, d, memory } : { data, n, d },
        params,
        { name: ing.dataset.fileName, ...labels, ...(warmStart ? { warm: warmStart } : {}) },
        {
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
        },
      );
      done = scheduler.whenDone(jobId);
      setShownJob(jobId);
      setLastRun({ jobId, ing, form: { ...form }, source });
    } catch (err) {
      return app.fail(err);
    }
    job = { id: jobId, cancel: () => scheduler.cancel(jobId) };
    const settle = () => {
      finished = true;
      frameUpdates.cancel();
      job = null;
    };
    done.then(
      (res) => {
        if (!live()) return;
        settle();
        batch(() => {
          const backend = 'backend' in res ? (res as JobResult).backend?.backend : undefined;
          map.show(res.embedding, res.nComponents, labels, true, { jobId, d, params: { ...params }, ...(backend ? { backend } : {}) });
          // The result's log is the job's full account; lines still waiting for a frame are in it too.
          if (res.log.length > 0) report.replaceLog(res.log);
          else report.appendLog(newLines.splice(0));
          report.finished(res);
          report.reused(scheduler.reused(jobId));
          app.setStatus('done');
        });
      },
      (err) => {
        if (!live()) return;
        settle();
        // The job's last log lines often explain the failure.
        report.appendLog(newLines.splice(0));
        app.fail(err);
      },
    );
  };

  /** Put a completed job's result on the map (from memory, or from the store after a reload). */
  const showJob = async (id: string) => {
    const r = await scheduler.result(id);
    if (!r) return;
    detach();
    batch(() => {
      setShownJob(id);
      const labels = { categories: r.rec.categories, ...(r.rec.labelName !== undefined ? { labelName: r.rec.labelName } : {}) };
      map.show(r.embedding, r.nComponents, labels, true, { jobId: id, d: r.rec.d, params: { ...r.rec.params } });
      report.replaceLog(r.log);
      report.reused(r.rec.reused ?? null);
      report.warm(r.rec.warm);
      app.clearError();
      app.setStatus('done');
    });
  };

  onCleanup(() => cancel());
  onCleanup(() => scheduler.dispose());

  // Jobs that finish while the map is free (resumed after a reload, or queued earlier) are shown.
  const seenDone = new Set<string>();
  onCleanup(
    scheduler.subscribe(() => {
      for (const j of scheduler.list()) {
        if (j.state !== 'completed' || seenDone.has(j.id)) continue;
        seenDone.add(j.id);
        // A model job's map is a precomputed map, shown (and kept in the library) with its metadata already.
        if (!job && app.status() !== 'running' && j.interrupted && !j.knnOnly) void showJob(j.id);
      }
    }),
  );

  /** The finished map on screen, when its rows are still in memory (a "Re-run with…" needs them). */
  const rerunBase = () => {
    const l = lastRun();
    return l && l.jobId === shownJob() && app.status() === 'done' ? l : null;
  };

  /**
   * Run the shown map's data again with these values changed; the fit reuses its stored graphs.
   * `fromCurrent`: its layout starts from the map shown, with the warm start's few epochs.
   */
  const rerun = (changes: Pick<ParamsFormState, 'minDist' | 'spread' | 'seed' | 'nEpochs'>, fromCurrent = false) => {
    const base = rerunBase();
    if (!base) return app.fail(new Error('The data of this map is no longer in memory; load the file again to re-run it.'));
    // The fitted points' coordinates (added batches are not part of the re-run's rows).
    const current = fromCurrent ? map.coords() : null;
    run(base.ing, { ...base.form, ...changes }, base.source, current ? (p) => warmStartOf(current.slice(), epochsFor(p, base.ing.dataset.n)) : undefined);
  };

  return {
    scheduler,
    report,
    shownJob,
    run,
    rerunBase,
    rerun,
    cancel,
    detach,
    showJob,
    /** Whether the screen follows a job still running; a bad file or bad parameters then only warn. */
    following: () => job !== null,
  };
}

export type JobsStore = ReturnType<typeof createJobsStore>;
