// The Run button's side of the app: submits runs to the scheduler and follows one job onto the
// screen (its progress, log and previews, then its map): the job last run, a running job chosen in
// the jobs panel, or a job resumed after a reload while the map is free.
import { batch, createSignal, onCleanup } from 'solid-js';
import { epochsFor, resolveParams, warmStartOf, type UmapParams, type WarmStart } from '../../jobs/engine-api';
import type { Ingested } from '../../jobs/ingest-client';
import type { JobResult } from '../../jobs/job-protocol';
import { assertFits, readDevice } from '../../jobs/preflight';
import { JobCancelledError } from '../../jobs/run-job';
import { Scheduler, type JobView } from '../../jobs/scheduler';
import type { LinkSource } from '../../share/link';
import { frameScheduler, type FrameScheduler } from '../frame-scheduler';
import { readParams, type ParamsFormState } from '../params-form-model';
import type { PhaseProgress } from '../ProgressPanel';
import type { AppStore } from './app-store';
import { createJobLogs } from './job-logs';
import type { FrameLabels, MapStore } from './map-store';
import { createRunReport } from './run-report';

/** What the screen needs of a followed job besides its reports: how to colour and record its map. */
interface Followed {
  labels: FrameLabels;
  d: number;
  params: Partial<UmapParams>;
}

/** A fit this page can follow: runs (or waits to run) in this tab and ends with a map of its own. */
const followable = (j: JobView) => j.kind !== 'transform' && !j.knnOnly && !j.elsewhere && (j.state === 'running' || j.state === 'queued' || j.state === 'paused');

export function createJobsStore(app: AppStore, map: MapStore) {
  const scheduler = new Scheduler();
  const report = createRunReport();
  const logs = createJobLogs(scheduler);
  const [shownJob, setShownJob] = createSignal<string | null>(null);
  // The job the screen follows while it runs (null once it ended or was let go).
  const [followed, setFollowed] = createSignal<string | null>(null);
  // The scheduler's views change outside Solid; this ticks on each of its (coalesced) notifications.
  const [tick, setTick] = createSignal(0);
  onCleanup(scheduler.subscribe(() => setTick((t) => t + 1)));
  // Bumped by "Run another…": the parameters form opens and takes the focus.
  const [paramsAsked, setParamsAsked] = createSignal(0);
  let job: { id: string; unwatch(): void } | null = null;
  let updates: FrameScheduler | null = null;
  // Bumped on every new follow or detach so callbacks from a superseded one are ignored.
  let runId = 0;
  // The last run's rows and form, so "Re-run with…" can submit the same data with a few values changed.
  const [lastRun, setLastRun] = createSignal<{ jobId: string; ing: Ingested; form: ParamsFormState; source: LinkSource | null } | null>(null);

  /** Stop following the shown job; it goes on in the jobs panel. */
  const detach = () => {
    runId++;
    updates?.cancel();
    updates = null;
    job?.unwatch();
    job = null;
    setFollowed(null);
    if (app.status() === 'running') app.setStatus('idle');
  };

  const cancel = () => {
    const j = job;
    detach();
    if (j) scheduler.cancel(j.id);
  };

  /** Put the job's progress, previews and finally its map on screen, from its current state on. */
  const follow = (jobId: string, f: Followed) => {
    detach();
    const id = ++runId;
    // Progress and previews travel on their own message port, so a few can land after the result:
    // once the result is in, they are stale and must not overwrite the final map or the bars.
    let finished = false;
    const live = () => id === runId && !finished;
    const now = scheduler.get(jobId);
    batch(() => {
      app.clearError();
      app.setStatus('running');
      report.reset();
      setShownJob(jobId);
      setFollowed(jobId);
      // A job resumed after a reload is already part done: its bars start where its checkpoint is.
      const p = now?.progress;
      if (p) report.progress({ [p.phase]: { ...p, elapsedS: now.elapsedS, etaS: null, phaseElapsedS: 0 } });
    });
    // Callbacks only record the latest state; the screen catches up once per animation frame.
    let latest: PhaseProgress = {};
    let preview: { coords: Float32Array; nComponents: number } | null = null;
    const frameUpdates = frameScheduler(() => {
      if (!live()) return;
      batch(() => {
        report.progress(latest);
        latest = {};
        if (preview) map.show(preview.coords, preview.nComponents, f.labels, false);
        preview = null;
      });
    });
    updates = frameUpdates;
    logs.watch(jobId);
    const unwatch = scheduler.watch(jobId, {
      onProgress: (p) => {
        if (!live()) return;
        // The job's own time across its runs (a resumed run's clock starts at its resume).
        latest[p.phase] = { ...p, elapsedS: scheduler.get(jobId)?.elapsedS ?? p.elapsedS };
        frameUpdates.request();
      },
      onPreview: (coords, nComponents) => {
        if (!live()) return;
        preview = { coords, nComponents };
        frameUpdates.request();
      },
    });
    job = { id: jobId, unwatch };
    const settle = () => {
      finished = true;
      frameUpdates.cancel();
      unwatch();
      job = null;
      setFollowed(null);
    };
    scheduler.whenDone(jobId).then(
      (res) => {
        if (!live()) return;
        // One batch, so whoever watches the follow end sees the finished map and status with it.
        batch(() => {
          settle();
          const backend = 'backend' in res ? (res as JobResult).backend?.backend : undefined;
          map.show(res.embedding, res.nComponents, f.labels, true, { jobId, d: f.d, params: { ...f.params }, ...(backend ? { backend } : {}) });
          // The result's log is the job's full account, earlier runs' lines included.
          if (res.log.length > 0) logs.replace(jobId, res.log);
          report.finished(res);
          report.reused(scheduler.reused(jobId));
          app.setStatus('done');
        });
      },
      (err) => {
        if (!live()) return;
        batch(() => {
          settle();
          // Cancelled from the jobs panel: nothing went wrong, and the map shows what it showed.
          if (err instanceof JobCancelledError) app.setStatus(map.frame()?.final ? 'done' : 'idle');
          else app.fail(err);
        });
      },
    );
  };

  /**
   * Start a job on these data with the form's parameters, and follow it on screen; `warm` starts its
   * layout from a map's coordinates (given the parameters, it is made for the run's epochs);
   * `backend`: the preflight's GPU option forces it.
   */
  const run = (ing: Ingested | null, form: ParamsFormState, source: LinkSource | null, warm?: (params: UmapParams) => WarmStart, backend?: UmapParams['backend']) => {
    if (!ing) return app.fail(new Error('Choose a file (or the digits demo) first.'));
    const { data, n, d, memory } = ing.dataset;
    let params: Partial<UmapParams>;
    let warmStart: WarmStart | undefined;
    try {
      params = { ...readParams(form), ...(backend ? { backend } : {}) };
      // Same validation the engine applies, done here so bad parameters fail before any worker starts.
      const resolved = resolveParams(params, n);
      // Refused before anything changes (the shown map, its added points); the scheduler refuses too.
      assertFits({ n, d, params, rowsShared: !!memory }, readDevice());
      warmStart = warm?.(resolved);
    } catch (err) {
      // A running job is left alone: only a valid new run replaces it.
      if (job) app.warn(err);
      else app.fail(err);
      return;
    }
    const labels = { categories: ing.categories, ...(ing.dataset.labelName !== undefined ? { labelName: ing.dataset.labelName } : {}) };
    // The same rows with the same parameters are still on their way (the demo and a link start their own
    // run, and a user may press Run again): the map would be the same, bit for bit, so Run follows that
    // job (resuming it if paused) instead of computing it twice.
    const same = sameRunActive(ing, form, !!warm || !!backend);
    if (same) {
      if (same.state === 'paused') scheduler.resume(same.id);
      if (job?.id !== same.id) follow(same.id, { labels, d, params });
      return;
    }
    // Earlier jobs keep running in the scheduler; the view follows the new one.
    detach();
    map.beginRun(source, { ...form });
    let jobId: string;
    try {
      jobId = scheduler.submit(memory ? { data, n, d, memory } : { data, n, d }, params, { name: ing.dataset.fileName, ...labels, ...(warmStart ? { warm: warmStart } : {}) });
    } catch (err) {
      return app.fail(err);
    }
    setLastRun({ jobId, ing, form: { ...form }, source });
    follow(jobId, { labels, d, params });
  };

  const sameRunActive = (ing: Ingested, form: ParamsFormState, warm: boolean): JobView | null => {
    const prev = lastRun();
    if (warm || !prev || prev.ing !== ing) return null;
    const keys = Object.keys(form) as (keyof ParamsFormState)[];
    if (!keys.every((k) => prev.form[k] === form[k])) return null;
    const j = scheduler.get(prev.jobId);
    return j && j.kind !== 'transform' && !j.elsewhere && (j.state === 'running' || j.state === 'queued' || j.state === 'paused') ? j : null;
  };

  /** Follow a job running (or waiting) in this tab that the page did not just submit. */
  const followJob = (id: string) => {
    const j = scheduler.get(id);
    const labels = scheduler.labelsOf(id);
    if (!j || !labels || !followable(j)) return;
    follow(id, { labels, d: j.d, params: j.params });
  };

  /** Put a completed job's result on the map (from memory, or from the store after a reload). */
  const showJob = async (id: string) => {
    const r = await scheduler.result(id);
    if (!r) return;
    detach();
    batch(() => {
      setShownJob(id);
      const labels = { categories: r.rec.categories, ...(r.rec.labelName !== undefined ? { labelName: r.rec.labelName } : {}) };
      map.show(r.embedding, r.nComponents, labels, true, { jobId: id, d: r.rec.d, params: { ...r.rec.params }, ...(r.backend ? { backend: r.backend } : {}) });
      logs.replace(id, r.log);
      report.reset();
      report.replay(r.timings, r.n, r.rec.params, r.rec.warm);
      report.reused(r.rec.reused ?? null);
      report.warm(r.rec.warm);
      app.clearError();
      app.setStatus('done');
    });
  };

  onCleanup(() => cancel());
  onCleanup(() => scheduler.dispose());

  // A job resumed after a reload is followed at once while the map is free; jobs that finish while
  // the map is free (queued earlier) are shown.
  const seenDone = new Set<string>();
  const autoFollowed = new Set<string>();
  onCleanup(
    scheduler.subscribe(() => {
      const free = !job && app.status() !== 'running';
      for (const j of scheduler.list()) {
        if (j.interrupted && j.local && free && !map.frame() && !autoFollowed.has(j.id) && followable(j)) {
          autoFollowed.add(j.id);
          followJob(j.id);
          return;
        }
        if (j.state !== 'completed' || seenDone.has(j.id)) continue;
        seenDone.add(j.id);
        // A model job's map is a precomputed map, shown (and kept in the library) with its metadata already.
        if (free && j.interrupted && !j.knnOnly) void showJob(j.id);
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

  /** The view of a job, kept current as the scheduler changes it (reactive). */
  const view = (id: string | null): JobView | null => {
    tick();
    return id ? scheduler.get(id) : null;
  };

  return {
    scheduler,
    report,
    shownJob,
    /** The shown job's view (reactive): its name, parameters, state, progress and ETA. */
    shownView: () => view(shownJob()),
    /** The job the screen follows while it runs or waits; null once it ended or was let go. */
    followedView: () => view(followed()),
    followedId: followed,
    view,
    /** The shown job's log lines (each job keeps its own). */
    log: () => logs.of(shownJob()),
    run,
    rerunBase,
    rerun,
    cancel,
    detach,
    showJob,
    followJob,
    /** Pause or resume the followed job (it stays followed: its resumed run reports to the same screen). */
    pause: () => {
      if (job) void scheduler.pause(job.id);
    },
    resume: () => {
      if (job) scheduler.resume(job.id);
    },
    /** "Run another…": the parameters form opens and takes the focus, for the next job's values. */
    askParams: () => setParamsAsked((v) => v + 1),
    paramsAsked,
    /** Whether the screen follows a job still running; a bad file or bad parameters then only warn. */
    following: () => job !== null,
  };
}

export type JobsStore = ReturnType<typeof createJobsStore>;
