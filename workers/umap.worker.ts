/// <reference lib="webworker" />
// The job Worker: owns one UMAP run. It drives the engine, fans kNN chunks out to a pool of compute
// Workers, and reports progress, log lines and live layout previews back to the page.
import * as Comlink from 'comlink';
import { UmapEngine, type EngineCheckpoint, type EngineDelta, type EngineHooks } from '../src/engine/engine';
import type { Matrix, ProgressEvent, UmapParams, UmapResult } from '../src/engine/types';
import { EngineInputError } from '../src/engine/types';
import { resolveParams } from '../src/engine/params';
import { WorkerPool } from '../src/jobs/compute-pool';
import { ComputeCore, LocalPool } from '../src/engine/compute-core';
import { chooseBackend, startGpuSession, withGpuLock, type GpuSession, type GpuTestHooks } from '../src/gpu/backend';
import { allocateRowStore, plainRowStore, rowStoreOf, wasmSimdSupported, type RowStore } from '../src/engine/wasm/row-kernels';
import { CheckpointWriter } from '../src/jobs/checkpoint-writer';
import { datasetKeyOf } from '../src/jobs/checksum';
import { loadCheckpoint, type CheckpointMeta } from '../src/jobs/checkpoint-store';
import { putDataset, readDataset, type ProgressCounters } from '../src/jobs/job-store';
import { describeStorageError, openJobStore } from '../src/jobs/jobs-db';

export interface JobWorkerCallbacks {
  onProgress(e: ProgressEvent & { label?: string }): void;
  onLog(line: string): void;
  onPreview(coords: Float32Array, nComponents: number): void;
  /** Persistence only: the dataset is stored under this content key. */
  onDatasetStored?(key: string): void;
  onCheckpoint?(meta: CheckpointMeta): void;
  /** Persistence only: the run continues from this stored checkpoint (null: none, from the start). */
  onResumed?(from: CheckpointMeta | null, fellBack: boolean): void;
  /** A storage write failed; the job goes on in memory. */
  onStorageWarning?(message: string): void;
}

/** Checkpoints in IndexedDB for jobs that must survive a reload. */
export interface PersistOptions {
  jobId: string;
  /** Write the rows (transferred or shared source) to the store, once per content key. */
  storeDataset: boolean;
  /** Continue from the job's newest stored checkpoint that verifies. */
  resumeFromStore: boolean;
}

export interface JobStartOptions {
  /** Compute Workers for kNN; 0 computes in this Worker. */
  threads: number;
  checkpoint?: EngineCheckpoint;
  /** Minimum milliseconds between preview posts. */
  previewEveryMs?: number;
  /** Test hooks of the WebGPU path (device loss, broken WGSL). */
  gpuTest?: GpuTestHooks;
  persist?: PersistOptions;
}

export type JobOutcome = { status: 'done'; result: UmapResult } | { status: 'stopped'; checkpoint: EngineCheckpoint };

let stopRequested = false;

const api = {
  async start(source: JobSource, partial: Partial<UmapParams>, options: JobStartOptions, cb: JobWorkerCallbacks): Promise<JobOutcome> {
    stopRequested = false;
    const store = 'stored' in source ? await storedRowStore(source) : toRowStore(source);
    const input: Matrix = { data: store.data, n: store.n, d: store.d };
    validate(input);
    const writer = options.persist ? await preparePersistence(options.persist, store, cb) : null;
    let checkpoint = options.checkpoint;
    let deltas: EngineDelta[] | undefined;
    if (writer && options.persist?.resumeFromStore && !checkpoint) {
      const loaded = await loadCheckpoint(options.persist.jobId).catch(() => null);
      checkpoint = loaded?.checkpoint;
      deltas = loaded?.deltas;
      cb.onResumed?.(loaded?.meta ?? null, loaded?.fellBack ?? false);
    }
    const params = checkpoint?.params ?? resolveParams(partial, input.n);
    const choice = await chooseBackend(params.backend ?? 'auto');
    const run = async (): Promise<JobOutcome> => {
      let lastProgress = 0;
      let lastPhase = '';
      let lastPreview = 0;
      let lastEvent: ProgressCounters | null = null;
      // The newest event the throttle held back: sent when the run stops, so a paused job shows
      // exactly where it stopped.
      let unsent: (ProgressEvent & { label?: string }) | null = null;
      const previewEvery = options.previewEveryMs ?? 200;
      const pool = options.threads > 0 ? await WorkerPool.create(options.threads, store, params.metric) : undefined;
      const core = new ComputeCore(store, store.n, store.d, params.metric);
      // Lines logged before the engine exists (GPU setup) go into its log once it does.
      let engineRef: UmapEngine | null = null;
      const early: string[] = [`Backend: ${choice.report.reason}.`];
      const log = (line: string) => (engineRef ? engineRef.log(line) : early.push(line));
      let gpu: GpuSession | null = null;
      try {
        if (choice.adapter) {
          try {
            gpu = await startGpuSession(choice, params, store.data, store.n, store.d, pool ?? new LocalPool(core), log, options.gpuTest);
          } catch (e) {
            choice.report.backend = 'cpu';
            choice.report.reason += `; the GPU could not start (${(e as Error).message}), using CPU`;
            early[0] = `Backend: ${choice.report.reason}.`;
          }
        }
        const hooks: EngineHooks = {
          onProgress(e) {
            lastEvent = { phase: e.phase, done: e.done, total: e.total, unit: e.unit };
            // Throttled, but a phase's first and last events always go through so the UI sees them.
            const t = performance.now();
            if (e.phase !== lastPhase || e.done >= e.total || t - lastProgress > 100) {
              lastPhase = e.phase;
              lastProgress = t;
              unsent = null;
              cb.onProgress(e);
            } else unsent = e;
          },
          onLog: (line) => cb.onLog(line),
          onLayout(emb, epoch, nEpochs) {
            const t = performance.now();
            if (epoch < nEpochs && t - lastPreview < previewEvery) return;
            lastPreview = t;
            const copy = emb.slice();
            cb.onPreview(Comlink.transfer(copy, [copy.buffer]), params.nComponents);
          },
          onBoundary: writer?.enabled ? (eng) => writer.writer!.boundary(eng, lastEvent) : undefined,
        };
        const makeEngine = (cp: EngineCheckpoint | undefined, steps: EngineDelta[] | undefined) =>
          new UmapEngine(input, gpu?.params ?? params, hooks, { pool: gpu?.pool ?? pool, core, checkpoint: cp, deltas: steps, recordDeltas: writer?.enabled === true });
        let engine: UmapEngine;
        try {
          engine = makeEngine(checkpoint, deltas);
        } catch (e) {
          // Replaying changed the base in place, so it is read again, and the run goes on without the
          // steps after it: their work is redone rather than the job failing.
          if (!deltas?.length || !options.persist) throw e;
          const again = await loadCheckpoint(options.persist.jobId).catch(() => null);
          early.push(`Resume: the stored steps could not be replayed (${(e as Error).message}); continuing from the checkpoint before them.`);
          engine = makeEngine(again?.checkpoint, []);
        }
        engineRef = engine;
        for (const line of early) engine.log(line);
        const status = await engine.run({ shouldStop: () => stopRequested });
        if (unsent) cb.onProgress(unsent);
        if (status === 'stopped') await writer?.writer?.stopped(engine, lastEvent);
        await writer?.writer?.flush();
        const w = writer?.writer;
        if (w && w.written > 0) engine.log(`Checkpoints: ${w.written} saved (${w.bases} full, ${w.written - w.bases} steps; ${(w.bytes / 1e6).toFixed(1)} MB), ${w.costMs.toFixed(0)} ms of engine time (${Object.entries(w.byPhase).map(([k, v]) => `${k} ${v.ms.toFixed(0)} ms/${(v.bytes / 1e6).toFixed(1)} MB`).join(', ')}).`);
        if (status === 'stopped') return { status, checkpoint: engine.checkpoint() };
        const result = engine.result();
        result.backend = choice.report;
        return Comlink.transfer({ status: 'done', result }, [result.embedding.buffer as ArrayBuffer]);
      } finally {
        await gpu?.end();
        pool?.terminate();
      }
    };
    // One GPU job at a time, across every Worker and tab of the origin.
    return choice.adapter ? withGpuLock(run, () => cb.onLog('Waiting for another job to finish with the GPU.')) : run();
  },
  /** Stop at the next chunk or epoch boundary; start() then resolves with a checkpoint. */
  stop(): void {
    stopRequested = true;
  },
  /** Test hook: an uncaught error, as a real crash in the Worker would raise. */
  crash(): void {
    setTimeout(() => {
      throw new Error('simulated crash (test hook)');
    }, 0);
  },
};

/**
 * Store the dataset (once per content key) and open the checkpoint store. A storage failure turns
 * persistence off for this run with a warning; the job itself goes on in memory.
 */
async function preparePersistence(p: PersistOptions, store: RowStore, cb: JobWorkerCallbacks): Promise<{ enabled: boolean; writer: CheckpointWriter | null }> {
  try {
    await openJobStore();
    if (p.storeDataset) {
      const key = datasetKeyOf(store.data, store.n, store.d);
      await putDataset(key, store.data, store.n, store.d, p.jobId);
      cb.onDatasetStored?.(key);
    }
  } catch (e) {
    cb.onStorageWarning?.(`${describeStorageError(e)}; the job continues in memory and will not survive a reload.`);
    return { enabled: false, writer: null };
  }
  const writer = new CheckpointWriter(
    p.jobId,
    Date.now(),
    (meta) => cb.onCheckpoint?.(meta),
    (message) => cb.onStorageWarning?.(`${message}; the job continues in memory and will not survive a reload.`),
  );
  return { enabled: true, writer };
}

/** Rows of a job resumed after a reload, read back from IndexedDB into (shared) wasm memory. */
async function storedRowStore(src: { stored: string; n: number; d: number }): Promise<RowStore> {
  const shared = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && wasmSimdSupported();
  const store = wasmSimdSupported() ? allocateRowStore(src.n, src.d, shared) : plainRowStore(new Float32Array(src.n * src.d), src.n, src.d);
  const got = await readDataset(src.stored, store.data);
  if (got.n !== src.n || got.d !== src.d) throw new EngineInputError(`The stored data is ${got.n} × ${got.d}, but the job expects ${src.n} × ${src.d}.`);
  return store;
}

/**
 * The rows arrive either as the job's shared wasm Memory (cross-origin isolated pages) or as a
 * transferred array, which is copied once into private wasm memory for the SIMD kernels.
 */
export type JobSource =
  | { memory: WebAssembly.Memory; n: number; d: number }
  | { data: Float32Array; n: number; d: number }
  | { stored: string; n: number; d: number };

function toRowStore(src: Exclude<JobSource, { stored: string }>): RowStore {
  if (!(src.n > 0) || !(src.d > 0)) throw new EngineInputError('The dataset is empty.');
  if ('memory' in src) return rowStoreOf(src.memory, src.n, src.d);
  if (src.data.length !== src.n * src.d) throw new EngineInputError(`Expected ${src.n} × ${src.d} values, got ${src.data.length}.`);
  if (!wasmSimdSupported()) return plainRowStore(src.data, src.n, src.d);
  const store = allocateRowStore(src.n, src.d, false);
  store.data.set(src.data);
  return store;
}

/**
 * Checks that need the values themselves (the shape is checked where the rows arrive, in toRowStore);
 * the ingest step catches most, this guards every caller.
 */
function validate(m: Matrix): void {
  const { data, d } = m;
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t]!)) {
      const row = Math.floor(t / d);
      throw new EngineInputError(`Row ${row + 1}, column ${(t % d) + 1} is ${String(data[t])}; every value must be a finite number.`);
    }
  }
}

export type JobWorkerApi = typeof api;
Comlink.expose(api);
