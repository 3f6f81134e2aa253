// The runs of jobs in this tab: starting a job's Worker with its options (threads, checkpoints,
// where the data comes from, test faults), the handle and lock each run holds, and the callers
// that follow a job (watchers of its progress, waiters on its result). What a run reports becomes
// a requested transition of the job's state; only accepted ones reach the watchers.
import type { EngineCheckpoint } from '../engine/engine';
import type { TransformCheckpoint } from '../engine/transform';
import type { UmapResult } from '../engine/types';
import type { JobResult, TransformJobResult } from './job-protocol';
import { JobCancelledError, runJob, runTransformJob, type JobCallbacks, type JobHandle, type JobProgress } from './run-job';
import type { CheckpointMeta } from './checkpoint-store';
import type { FaultPlan } from './faults';
import type { JobStates, JobChange } from './job-state';
import type { JobFacts } from './job-state-view';
import type { HeldLock } from './tab-lock';

/** A fit's or a transform's run. */
export type RunHandle = JobHandle<JobResult | TransformJobResult, EngineCheckpoint | TransformCheckpoint>;

const isTransformCheckpoint = (c: EngineCheckpoint | TransformCheckpoint | null): c is TransformCheckpoint => (c as { kind?: string } | null)?.kind === 'transform';

/** Start the job's run; throws when the Worker cannot be started. */
function launchJob(e: JobFacts, callbacks: JobCallbacks, threads: number | undefined, faults: FaultPlan | undefined, map: Promise<Float32Array> | undefined): RunHandle {
  const fromStore = !e.input;
  const input = e.input ?? { data: new Float32Array(0), n: e.rec.n, d: e.rec.d };
  const common = {
    threads,
    persist: e.immediate || e.noCheckpoints ? undefined : { jobId: e.rec.id, storeDataset: !fromStore && !e.rec.datasetKey, resumeFromStore: !e.checkpoint && (fromStore || e.interrupted) },
    ...(fromStore && e.rec.datasetKey ? { storedDataset: e.rec.datasetKey } : {}),
    ...(faults ? { faults } : {}),
  };
  const cp = e.checkpoint;
  if (e.rec.kind === 'transform') return runTransformJob(e.rec.parent!, input, callbacks, { ...common, ...(isTransformCheckpoint(cp) ? { checkpoint: cp } : {}) });
  return runJob(input, e.rec.params, callbacks, {
    ...common,
    ...(cp && !isTransformCheckpoint(cp) ? { checkpoint: cp } : {}),
    ...(map ? { map } : {}),
    ...(e.rec.warm ? { warm: e.rec.warm } : {}),
  });
}

interface Run {
  handle: RunHandle | null;
  lock: HeldLock | null;
}

interface Waiter {
  resolve(r: UmapResult | TransformJobResult): void;
  reject(e: unknown): void;
}

export class JobRuns {
  private runs = new Map<string, Run>();
  private watchers = new Map<string, Set<JobCallbacks>>();
  private waiters = new Map<string, Waiter[]>();

  constructor(
    private readonly states: JobStates,
    private readonly onStorageWarning: (message: string) => void,
  ) {
    states.subscribe((c) => this.changed(c));
  }

  /** Callbacks for a job's progress, log and previews while it runs in this tab. */
  watch(id: string, cb: JobCallbacks): () => void {
    if (!this.states.has(id)) return () => {};
    let set = this.watchers.get(id);
    if (!set) {
      set = new Set();
      this.watchers.set(id, set);
    }
    set.add(cb);
    return () => set.delete(cb);
  }

  /** Resolves with the result when the job completes; rejects if it fails or is cancelled. */
  whenDone(id: string): Promise<UmapResult> {
    return this.outcome(id, (f) => f.result);
  }

  /** The same for a transform job. */
  whenTransformDone(id: string): Promise<TransformJobResult> {
    return this.outcome(id, (f) => f.transformResult);
  }

  private outcome<R extends UmapResult | TransformJobResult>(id: string, resultOf: (f: JobFacts) => R | null): Promise<R> {
    const f = this.states.peek(id);
    if (!f) return Promise.reject(new Error(`No job ${id}.`));
    const done = resultOf(f);
    if (done) return Promise.resolve(done);
    if (f.rec.state === 'failed') return Promise.reject(new Error(f.rec.error ?? 'The job failed.'));
    if (f.rec.state === 'cancelled') return Promise.reject(new JobCancelledError());
    return new Promise<R>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve: (r) => resolve(r as R), reject });
      this.waiters.set(id, list);
    });
  }

  /** The run holds the job's lock from here until it is detached. */
  hold(id: string, lock: HeldLock | null): void {
    this.runs.set(id, { handle: null, lock });
  }

  /** Start the job's Worker (a model job's with its given map); throws when it cannot be started. */
  launch(id: string, threads: number | undefined, faults: FaultPlan | undefined, map?: Promise<Float32Array>): RunHandle {
    const f = this.states.peek(id);
    const run = this.runs.get(id);
    if (!f || !run || f.startSeq === null) throw new Error(`Job ${id} was not started.`);
    run.handle = launchJob(f, this.callbacks(id, f.startSeq), threads, faults, map);
    return run.handle;
  }

  handle(id: string): RunHandle | null {
    return this.runs.get(id)?.handle ?? null;
  }

  /** The run ends here: its handle no longer speaks for the job, and its lock is the caller's to release. */
  detach(id: string): Run {
    const run = this.runs.get(id) ?? { handle: null, lock: null };
    this.runs.delete(id);
    return run;
  }

  /**
   * Stop every run at once (the scheduler is going). They are detached first, so their ends are not
   * taken for cancellations: the jobs stay in the store, to be resumed from their checkpoints.
   */
  stopAll(): void {
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const run of runs) {
      run.handle?.cancel();
      run.lock?.release();
    }
  }

  private each(id: string, fn: (cb: JobCallbacks) => void): void {
    for (const w of this.watchers.get(id) ?? []) fn(w);
  }

  /** A run's reports, tagged with the run they belong to, so a late one from an earlier run is refused. */
  private callbacks(id: string, run: number): JobCallbacks {
    const s = this.states;
    return {
      onProgress: (p: JobProgress) => {
        if (s.progressed(id, run, p)) this.each(id, (w) => w.onProgress?.(p));
      },
      onLog: (line) => this.each(id, (w) => w.onLog?.(line)),
      onPreview: (coords, k) => this.each(id, (w) => w.onPreview?.(coords, k)),
      onDatasetStored: (key) => void s.datasetStored(id, key),
      onCheckpoint: (meta: CheckpointMeta) => void s.checkpointed(id, run, meta.progress),
      onResumed: (from) => {
        if (!s.restored(id, from?.progress ?? null) || !from) return;
        this.each(id, (w) => w.onLog?.(`Resumed from a checkpoint (${from.progress ? `${from.progress.phase} ${from.progress.done}/${from.progress.total}` : 'start'}).`));
      },
      onReused: (info) => void s.reused(id, run, info),
      onStorageWarning: (message) => {
        s.storageWarned(id, message);
        this.onStorageWarning(message);
      },
    };
  }

  /** Waiters learn the job's outcome; a job that is gone takes its followers with it. */
  private changed(c: JobChange): void {
    const t = c.transition;
    if (t === 'completed' || t === 'failed' || t === 'cancelled' || t === 'removed' || t === 'expired' || t === 'vanished') {
      const f = this.states.peek(c.id);
      for (const w of this.waiters.get(c.id) ?? []) {
        const done = f?.result ?? f?.transformResult;
        if (t === 'completed' && done) w.resolve(done);
        else if (t === 'failed') w.reject(new Error(f?.rec.error ?? 'The job failed.'));
        else w.reject(new JobCancelledError());
      }
      this.waiters.delete(c.id);
    }
    if (c.save === 'delete' || t === 'vanished') this.watchers.delete(c.id);
  }
}
