// One job's run, as the job Worker performs it: the rows, persistence, the backend (the GPU, with the
// CPU when it cannot start), resuming (from the base when stored steps do not replay), throttled
// progress and previews, logging, and the `holdAt` fault. What it uses outside the engine comes in as
// JobRunDeps, so it runs in Node over a fake pool and storage (test/job-run.test.ts).
import { UmapEngine, type EngineCheckpoint, type EngineDelta, type EngineHooks } from '../engine/engine';
import { knnKeeper, type FittedModel, type TransformPool } from '../engine/transform';
import { ComputeCore, LocalPool, type ComputePool } from '../engine/compute-core';
import { resolveParams } from '../engine/params';
import type { Metric, ProgressEvent, UmapParams } from '../engine/types';
import type { RowStore } from '../engine/wasm/row-kernels';
import type { BackendChoice, BackendPreference, GpuSession, startGpuSession } from '../gpu/backend';
import type { startGpuTransform } from '../gpu/gpu-transform-session';
import { BoundaryHold } from './boundary-hold';
import { messageOf } from '../io/error-message';
import { datasetKeyOf } from './checksum';
import type { FitStart, JobCallbacks, JobOptions, JobOutcome, JobStart, TransformOutcome, TransformStart } from './job-protocol';
import { runTransform, saveFittedModel } from './job-run-transform';
import { preparePersistence, resumeFromStore, type CheckpointSink, type JobStorage, type ModelStorage } from './job-persistence';
import { GraphReuser } from './graph-reuse';
import { rowStoreOfSource } from './job-source';
import { PreviewThrottle, ProgressThrottle } from './progress-throttle';

/** A compute pool the run owns and ends. */
type OwnedPool = ComputePool & { terminate(): void };

export interface JobRunDeps {
  /** The job's compute Workers over its rows (WorkerPool in the app). */
  createPool(size: number, store: RowStore, metric: Metric): Promise<OwnedPool>;
  /** A transform's compute Workers over the new rows, given the fitted model (WorkerPool in the app); default: none. */
  createTransformPool?(size: number, store: RowStore, model: FittedModel, keys: Uint32Array): Promise<TransformPool & { terminate(): void }>;
  chooseBackend(pref: BackendPreference): Promise<BackendChoice>;
  startGpuSession: typeof startGpuSession;
  /** A transform's GPU session (default: none, so transforms run on the CPU). */
  startGpuTransform?: typeof startGpuTransform;
  /** Run holding the one-GPU-job lock; onWait when another job holds it. */
  withGpuLock<T>(fn: () => Promise<T>, onWait?: () => void): Promise<T>;
  storage: JobStorage;
  /** Fits store their models here, and transforms read them; without it a fit keeps no model and a transform cannot run. */
  models?: ModelStorage;
  /** Milliseconds for the throttles (default performance.now). */
  now?(): number;
  /** Hand arrays' buffers to the receiver instead of copying them (Comlink.transfer in the Worker). */
  transfer?<T>(value: T, buffers: ArrayBuffer[]): T;
}

type Callbacks = JobCallbacks<ProgressEvent>;

/** What a run starts from, once its rows, persistence and stored state are ready. */
interface Prepared {
  store: RowStore;
  params: UmapParams;
  choice: BackendChoice;
  writer: CheckpointSink | null;
  checkpoint: EngineCheckpoint | undefined;
  deltas: EngineDelta[] | undefined;
  options: JobOptions;
  reuse: GraphReuser | null;
  /** Lines for the job log from before the engine exists. */
  notes: string[];
  /** Content key of the rows, when known without hashing them again. */
  datasetKey: string | null;
  /** A precomputed map of the rows: only kNN runs (FitStart.map). */
  map: Float32Array | undefined;
}

/** One job Worker's runs, one at a time. */
export class JobRun {
  private stopRequested = false;
  private hold: BoundaryHold | null = null;

  constructor(private readonly deps: JobRunDeps) {}

  start(msg: FitStart, cb: Callbacks): Promise<JobOutcome>;
  start(msg: TransformStart, cb: Callbacks): Promise<TransformOutcome>;
  start(msg: JobStart, cb: Callbacks): Promise<JobOutcome | TransformOutcome>;
  start(msg: JobStart, cb: Callbacks): Promise<JobOutcome | TransformOutcome> {
    this.stopRequested = false;
    this.hold = msg.options.faults?.holdAt ? new BoundaryHold(msg.options.faults.holdAt) : null;
    if (msg.kind !== 'transform') return this.fit(msg, cb);
    const { storage, models, createTransformPool, chooseBackend, withGpuLock, startGpuTransform } = this.deps;
    if (!models) return Promise.reject(new Error('This job Worker keeps no fitted models, so it cannot add points to a map.'));
    return runTransform(msg, cb, {
      storage,
      models,
      createTransformPool: createTransformPool ?? null,
      now: this.deps.now ?? (() => performance.now()),
      transfer: this.deps.transfer ?? (<T>(v: T) => v),
      stopRequested: () => this.stopRequested,
      hold: this.hold,
      ...(startGpuTransform ? { gpu: { chooseBackend, withGpuLock, startGpuTransform } } : {}),
    });
  }

  private async fit({ source, params: partial, options, map }: FitStart, cb: Callbacks): Promise<JobOutcome> {
    const { storage } = this.deps;
    const store = await rowStoreOfSource(source, (key, into) => storage.readDataset(key, into));
    let datasetKey: string | null = 'stored' in source ? source.stored : null;
    // cb is a Comlink proxy in the Worker (no own properties to spread): each callback is forwarded.
    const seen: Callbacks = {
      onDatasetStored: (key) => {
        datasetKey = key;
        cb.onDatasetStored?.(key);
      },
      onCheckpoint: (meta) => cb.onCheckpoint?.(meta),
      onStorageWarning: (message) => cb.onStorageWarning?.(message),
    };
    const writer = options.persist ? await preparePersistence(options.persist, store, storage, seen) : null;
    let checkpoint = options.checkpoint;
    let deltas: EngineDelta[] | undefined;
    if (writer && options.persist?.resumeFromStore && !checkpoint) {
      const loaded = await resumeFromStore(options.persist.jobId, storage, cb);
      checkpoint = loaded?.checkpoint;
      deltas = loaded?.deltas;
    }
    const params = checkpoint?.params ?? resolveParams(partial, store.n);
    const choice = await this.deps.chooseBackend(params.backend ?? 'auto');
    // Result caching: only a fresh fit starts from a stored graph (a resumed one is past it already).
    // A run held at a boundary (a test fault) computes every phase, so the boundary it waits for comes.
    const notes: string[] = [];
    const graphJob = options.persist?.jobId ?? options.graphs?.jobId;
    const reuse =
      graphJob && storage.graphs && !checkpoint && !options.faults?.holdAt ? await GraphReuser.prepare(storage.graphs, graphJob, source, store, params, cb, (l) => notes.push(l)) : null;
    const run = () => this.run({ store, params, choice, writer, checkpoint, deltas, options, reuse, notes, datasetKey, map }, cb);
    // One GPU job at a time, across every Worker and tab of the origin.
    return choice.adapter ? this.deps.withGpuLock(run, () => cb.onLog?.('Waiting for another job to finish with the GPU.')) : run();
  }

  /** Stop at the next chunk or epoch boundary; start() then resolves with a checkpoint. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Let a run held at its `holdAt` boundary go on. */
  release(): void {
    this.hold?.release();
  }

  private async run(p: Prepared, cb: Callbacks): Promise<JobOutcome> {
    const { store, params, choice, writer, options } = p;
    const now = this.deps.now ?? (() => performance.now());
    const transfer = this.deps.transfer ?? (<T>(v: T) => v);
    const progress = new ProgressThrottle((e) => cb.onProgress?.(e), now);
    const previews = new PreviewThrottle(options.previewEveryMs ?? 200, now);
    const threads = options.threads ?? 0;
    const pool = threads > 0 ? await this.deps.createPool(threads, store, params.metric) : undefined;
    const core = new ComputeCore(store, store.n, store.d, params.metric);
    // Lines logged before the engine exists (GPU setup) go into its log once it does.
    let engineRef: UmapEngine | null = null;
    const early: string[] = [`Backend: ${choice.report.reason}.`, ...p.notes];
    if (store.memory && core.kernels === 'js') early.push('Distance kernels: JavaScript, as this Worker may not compile WebAssembly (a Content-Security-Policy without wasm-unsafe-eval?).');
    const reuse = p.reuse;
    const log = (line: string) => (engineRef ? engineRef.log(line) : early.push(line));
    let gpu: GpuSession | null = null;
    try {
      if (choice.adapter) {
        try {
          gpu = await this.deps.startGpuSession(choice, params, store.data, store.n, store.d, pool ?? new LocalPool(core), log, options.faults);
        } catch (e) {
          choice.report.backend = 'cpu';
          choice.report.reason += `; the GPU could not start (${messageOf(e)}), using CPU`;
          early[0] = `Backend: ${choice.report.reason}.`;
        }
      }
      const hold = this.hold;
      // A persisted fit keeps its kNN graph for the model it stores at the end.
      const keeper = writer && !reuse ? knnKeeper() : null;
      const hooks: EngineHooks = {
        onProgress: (e) => progress.push(e),
        onLog: (line) => cb.onLog?.(line),
        onLayout(emb, epoch, nEpochs) {
          if (!previews.due(epoch, nEpochs)) return;
          const copy = emb.slice();
          cb.onPreview?.(transfer(copy, [copy.buffer]), params.nComponents);
        },
        onBoundary:
          writer || hold || reuse
            ? async (eng) => {
                reuse?.boundary(eng);
                keeper?.onBoundary(eng);
                await writer?.boundary(eng, progress.latest);
                // The page is sent this boundary's progress before the wait, so it sees exactly where the run is.
                // A held run is where a test looks for its checkpoint, so a step the layout budget skipped is
                // saved first, as at a stop: else the hold would show an older checkpoint for as long as it lasts.
                await hold?.reached(progress.latest, async () => {
                  await writer?.stopped(eng, progress.latest);
                  progress.flush();
                });
              }
            : undefined,
      };
      const makeEngine = (cp: EngineCheckpoint | undefined, steps: EngineDelta[] | undefined) =>
        new UmapEngine(store, gpu?.params ?? params, hooks, {
          pool: gpu?.pool ?? pool,
          core,
          checkpoint: cp,
          deltas: steps,
          recordDeltas: writer !== null,
          start: cp ? undefined : reuse?.start,
          ...(p.map ? { given: p.map } : {}),
          // A checkpoint carries the warm start (until its init, the coordinates too).
          warm: cp ? undefined : options.warm,
        });
      let engine: UmapEngine;
      try {
        engine = makeEngine(p.checkpoint, p.deltas);
      } catch (e) {
        // Replaying changed the base in place, so it is read again, and the run goes on without the
        // steps after it: their work is redone rather than the job failing.
        if (!p.deltas?.length || !options.persist) throw e;
        const again = await this.deps.storage.loadCheckpoint(options.persist.jobId).catch(() => null);
        early.push(`Resume: the stored steps could not be replayed (${messageOf(e)}); continuing from the checkpoint before them.`);
        engine = makeEngine(again?.checkpoint, []);
      }
      engineRef = engine;
      for (const line of early) engine.log(line);
      const status = await engine.run({ shouldStop: () => this.stopRequested });
      progress.flush();
      if (status === 'stopped') await writer?.stopped(engine, progress.latest);
      await writer?.flush();
      await reuse?.flush();
      const summary = writer?.summary();
      if (summary) engine.log(summary);
      if (status === 'stopped') return { status, checkpoint: engine.checkpoint() };
      if (writer && options.persist && this.deps.models) {
        const key = p.datasetKey ?? datasetKeyOf(store.data, store.n, store.d);
        // With graph reuse on, the kNN graph is in the graph cache, referenced by this job: the model
        // does not store a second copy.
        await saveFittedModel(this.deps.models, options.persist.jobId, key, store, engine.params, reuse ? null : (keeper?.knn ?? null), cb);
      }
      const result = { ...engine.result(), backend: choice.report };
      return transfer({ status: 'done', result }, [result.embedding.buffer as ArrayBuffer]);
    } finally {
      await gpu?.end();
      pool?.terminate();
    }
  }
}
