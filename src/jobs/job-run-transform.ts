// A transform job's run in the job Worker: the parent fit's model read back from the store, the new
// rows stored as the job's dataset, the TransformEngine over the job's compute pool, checkpoints at
// its boundaries, and the result with what the "far batch" warning needs. It runs where the fit ran:
// the parent's backend preference is chosen again, and on WebGPU the kNN chunks and epochs go to the
// GPU under the one-GPU-job lock. Also the other end: the model a fit stores when it completes (saveFittedModel).
import {
  buildFittedModel,
  LocalTransformPool,
  pointKeys,
  recomputeKnnGraph,
  TransformCore,
  TransformEngine,
  type FittedModel,
  type TransformCheckpoint,
  type TransformPool,
} from '../engine/transform';
import { ComputeCore } from '../engine/compute-core';
import { findAbParams } from '../engine/find-ab-params';
import { EngineInputError, type KnnGraph, type ProgressEvent, type UmapParams } from '../engine/types';
import type { RowStore } from '../engine/wasm/row-kernels';
import type { BackendChoice, BackendPreference } from '../gpu/backend';
import type { GpuTransformSession, startGpuTransform } from '../gpu/gpu-transform-session';
import type { BoundaryHold } from './boundary-hold';
import { datasetKeyOf } from './checksum';
import { messageOf } from '../io/error-message';
import type { JobCallbacks, TransformJobResult, TransformOutcome, TransformStart } from './job-protocol';
import type { JobStorage, ModelStorage } from './job-persistence';
import { rowStoreOfSource } from './job-source';
import { describeStorageError } from './jobs-db';
import { ProgressThrottle } from './progress-throttle';
import { EMPTY_BATCH, dimensionMismatch } from './transform-messages';
import type { TransformCheckpointSink } from './transform-checkpoint-writer';

type Callbacks = JobCallbacks<ProgressEvent>;

/** What the transform run needs of the job run around it. */
export interface TransformRunDeps {
  storage: JobStorage;
  models: ModelStorage;
  /** The job's compute Workers over the new rows, holding the model; null: compute in this thread. */
  createTransformPool: ((size: number, store: RowStore, model: FittedModel, keys: Uint32Array) => Promise<TransformPool & { terminate(): void }>) | null;
  now(): number;
  transfer<T>(value: T, buffers: ArrayBuffer[]): T;
  stopRequested(): boolean;
  hold: BoundaryHold | null;
  /** The backend choice and GPU of the job Worker; without it a transform runs on the CPU. */
  gpu?: {
    chooseBackend(pref: BackendPreference): Promise<BackendChoice>;
    withGpuLock<T>(fn: () => Promise<T>, onWait?: () => void): Promise<T>;
    startGpuTransform: typeof startGpuTransform;
  };
}

/** The parent fit's model, from its stored record, rows, map and kNN graph (recomputed when none is stored). */
async function loadFittedModel(parent: string, storage: JobStorage, models: ModelStorage, now: () => number): Promise<{ model: FittedModel; line: string; params: UmapParams }> {
  const t0 = now();
  const rec = await models.getModel(parent).catch(() => null);
  const missing = 'The map has no stored model to add points to (it was not saved to this browser); run it again first.';
  if (!rec) throw new EngineInputError(missing);
  const data = new Float32Array(rec.n * rec.d);
  await storage.readDataset(rec.datasetKey, data);
  const embedding = await models.readFittedMap(parent);
  if (!embedding) throw new EngineInputError(missing);
  const p = rec.params;
  const stored = await models.loadKnnGraph(rec.datasetKey, p.metric, p.nNeighbors).catch(() => null);
  const t1 = now();
  const knn = stored ?? (await recomputeKnnGraph(new ComputeCore(data, rec.n, rec.d, p.metric), p));
  const t2 = now();
  const model = buildFittedModel({ data, n: rec.n, d: rec.d, params: p, embedding, knn });
  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  const graph = stored ? 'its stored kNN graph' : `its kNN graph recomputed in ${ms(t1, t2)}`;
  return { model, params: p, line: `Fitted model: ${rec.n} × ${rec.d} read in ${ms(t0, t1)}, ${graph}, search index built in ${ms(t2, now())}.` };
}

/** Store a completed fit's model; a failure is a warning (the map itself is fine, only "Add points" is off). */
export async function saveFittedModel(storage: ModelStorage, jobId: string, datasetKey: string, store: RowStore, params: UmapParams, knn: KnnGraph | null, cb: Callbacks): Promise<void> {
  const { a, b } = findAbParams(params.spread, params.minDist);
  const rec = { version: 1 as const, jobId, datasetKey, n: store.n, d: store.d, params, a, b, nComponents: params.nComponents, hasKnn: !!knn, createdAt: Date.now() };
  await storage.putModel(rec, knn).catch((e) => cb.onStorageWarning?.(`${describeStorageError(e)}; the map is saved, but points cannot be added to it.`));
}

export async function runTransform(msg: TransformStart, cb: Callbacks, deps: TransformRunDeps): Promise<TransformOutcome> {
  const { storage, models } = deps;
  const { options } = msg;
  if (!(msg.source.n > 0)) throw new EngineInputError(EMPTY_BATCH);
  const { model, params, line: modelLine } = await loadFittedModel(msg.parent, storage, models, deps.now);
  if (msg.source.d !== model.d) throw new EngineInputError(dimensionMismatch(msg.source.d, model.d));
  const store = await rowStoreOfSource(msg.source, (key, into) => storage.readDataset(key, into));
  let writer: TransformCheckpointSink | null = null;
  let checkpoint: TransformCheckpoint | undefined = options.checkpoint;
  const persist = options.persist;
  if (persist) {
    try {
      await storage.open();
      if (persist.storeDataset) {
        const key = datasetKeyOf(store.data, store.n, store.d);
        await storage.putDataset(key, store.data, store.n, store.d, persist.jobId);
        cb.onDatasetStored?.(key);
      }
      writer = models.transformCheckpointWriter(
        persist.jobId,
        (meta) => cb.onCheckpoint?.(meta),
        (message) => cb.onStorageWarning?.(`${message}; the job continues in memory and will not survive a reload.`),
      );
    } catch (e) {
      cb.onStorageWarning?.(`${describeStorageError(e)}; the job continues in memory and will not survive a reload.`);
    }
    if (writer && persist.resumeFromStore && !checkpoint) {
      const loaded = await models.loadTransformCheckpoint(persist.jobId).catch(() => null);
      cb.onResumed?.(loaded?.meta ?? null, loaded?.fellBack ?? false);
      checkpoint = loaded?.checkpoint;
    }
  }
  const progress = new ProgressThrottle((e) => cb.onProgress?.(e), deps.now);
  const threads = options.threads ?? 0;
  const keys = checkpoint?.keys ?? pointKeys(store.data, store.n, store.d);
  const choice: BackendChoice = deps.gpu ? await deps.gpu.chooseBackend(params.backend ?? 'auto') : { report: { backend: 'cpu', reason: 'cpu: this job Worker has no GPU' }, adapter: null };
  const workers = threads > 0 && deps.createTransformPool ? await deps.createTransformPool(threads, store, model, keys) : null;
  // Lines logged before the engine exists (the wait for the GPU, its setup) go into its log once it does.
  let engineRef: TransformEngine | null = null;
  const early: string[] = [];
  const log = (line: string) => (engineRef ? engineRef.log(line) : early.push(line));
  const run = async (): Promise<TransformOutcome> => {
    let gpu: GpuTransformSession | null = null;
    try {
      if (choice.adapter && deps.gpu) {
        // The GPU pool needs a CPU side for what it leaves there (graph search) and for a lost device.
        const cpu = workers ?? new LocalTransformPool(new TransformCore(model, store.data, store.n, keys));
        const sizing = { chunkSize: checkpoint?.chunkSize ?? Math.max(1, model.knnChunkSize), memoryFraction: params.gpuMemoryFraction };
        try {
          gpu = await deps.gpu.startGpuTransform(choice, model, store.data, keys, sizing, cpu, log, options.faults);
        } catch (e) {
          choice.report.backend = 'cpu';
          choice.report.reason += `; the GPU could not start (${messageOf(e)}), using CPU`;
        }
      }
      const pool: TransformPool | null = gpu?.pool ?? workers;
      const hold = deps.hold;
      const engine = new TransformEngine(
        model,
        store,
        {},
        {
          onProgress: (e) => progress.push(e),
          onLog: (line) => cb.onLog?.(line),
          onBoundary:
            writer || hold
              ? async (eng) => {
                  await writer?.boundary(eng, progress.latest);
                  // A held run is where a test looks for its checkpoint, so a step the layout budget skipped is
                  // saved first, as at a stop: else the hold would show an older checkpoint for as long as it lasts.
                  await hold?.reached(progress.latest, async () => {
                    await writer?.stopped(eng, progress.latest);
                    progress.flush();
                  });
                }
              : undefined,
        },
        { checkpoint, ...(pool ? { pool } : {}) },
      );
      engineRef = engine;
      if (!checkpoint) engine.log(modelLine);
      engine.log(`Backend: ${choice.report.reason}.`);
      for (const line of early) engine.log(line);
      engine.log(
        workers ? `Transform: ${workers.size} compute Worker(s)${gpu ? ' beside the GPU' : ''}.` : gpu ? 'Transform: on the GPU, the job Worker beside it.' : 'Transform: in the job Worker.',
      );
      const status = await engine.run({ shouldStop: deps.stopRequested });
      progress.flush();
      if (status === 'stopped') await writer?.stopped(engine, progress.latest);
      await writer?.flush();
      const summary = writer?.summary();
      if (summary) engine.log(summary);
      if (status === 'stopped') return { status, checkpoint: engine.checkpoint() };
      await gpu?.end();
      gpu = null;
      const r = engine.result();
      let near = 0;
      for (let i = 0; i < r.m; i++) near += r.distances[i * r.k]!;
      const result: TransformJobResult = {
        parent: msg.parent,
        ...r,
        meanNearestDistance: r.m ? near / r.m : 0,
        fittedMeanKnnDistance: model.meanKnnDistance,
        backend: choice.report,
      };
      return deps.transfer({ status: 'done', result }, [result.embedding.buffer, result.indices.buffer, result.distances.buffer] as ArrayBuffer[]);
    } finally {
      await gpu?.end();
    }
  };
  try {
    // One GPU job at a time, across every Worker and tab of the origin.
    return choice.adapter && deps.gpu
      ? await deps.gpu.withGpuLock(run, () => {
          const line = 'Waiting for another job to finish with the GPU.';
          cb.onLog?.(line);
          early.push(line);
        })
      : await run();
  } catch (e) {
    throw e instanceof EngineInputError ? e : new Error(`The transform failed: ${messageOf(e)}`);
  } finally {
    workers?.terminate();
  }
}
