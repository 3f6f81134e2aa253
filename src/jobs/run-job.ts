import * as Comlink from 'comlink';
import type { PhaseName, ProgressEvent, UmapParams, UmapResult } from '../engine/types';
import type { EngineCheckpoint } from '../engine/engine';
import type { JobOutcome, JobSource, JobStartOptions, JobWorkerApi, PersistOptions } from '../../workers/umap.worker';
import type { CheckpointMeta } from './checkpoint-store';
import { allocateRowStore, sharedStoreOf, wasmSimdSupported } from '../engine/wasm/row-kernels';
import { yieldToEventLoop } from '../engine/engine';
import { EtaEstimator } from './eta';
import type { Fault, FaultPlan } from './faults';

export interface JobInput {
  data: Float32Array;
  n: number;
  d: number;
}

export interface JobProgress {
  phase: PhaseName;
  done: number;
  total: number;
  unit: ProgressEvent['unit'];
  label?: string;
  elapsedS: number;
  etaS: number | null;
  phaseElapsedS: number;
}

export interface JobCallbacks {
  onProgress?(p: JobProgress): void;
  onLog?(line: string): void;
  onPreview?(coords: Float32Array, nComponents: number): void;
  onDatasetStored?(key: string): void;
  onCheckpoint?(meta: CheckpointMeta): void;
  onResumed?(from: CheckpointMeta | null, fellBack: boolean): void;
  onStorageWarning?(message: string): void;
}

export interface JobOptions {
  /** Compute Workers for kNN; default one per core. */
  threads?: number;
  checkpoint?: EngineCheckpoint;
  /**
   * Hand the input's buffer to the Worker instead of copying it (transfer mode), which detaches the
   * caller's array. Shared-memory input is never copied either way.
   */
  transferInput?: boolean;
  /** Test hooks of the WebGPU path (device loss, broken WGSL); see src/gpu/backend.ts. */
  gpuTest?: JobStartOptions['gpuTest'];
  /** Checkpoints in IndexedDB (see workers/umap.worker.ts). */
  persist?: PersistOptions;
  /** Read the rows from the job store under this key instead of `input.data` (resume after a reload). */
  storedDataset?: string;
  /** TEMPORARY shim (house-state, until house-seams lands): accepted, not yet passed to the Worker. */
  faults?: FaultPlan;
}

export interface JobHandle {
  result: Promise<UmapResult>;
  /** Stop at the next boundary; resolves with the checkpoint to resume from. */
  pause(): Promise<EngineCheckpoint | null>;
  cancel(): void;
  /** Test hook: make the Worker throw an uncaught error, as a crash would. */
  crash(): void;
  /** TEMPORARY shim (house-state, until house-seams lands): only 'crash' reaches the Worker. */
  inject(fault: Fault): void;
}

/** 'shared': the data sits once in SharedArrayBuffer for all Workers. 'transfer': each gets a copy. */
export function workerMode(): 'shared' | 'transfer' {
  return typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined' ? 'shared' : 'transfer';
}

export function defaultThreads(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.min(cores, 16));
}

/**
 * Run one UMAP job in a dedicated Worker, with kNN chunks spread over a pool of compute Workers.
 */
export function runJob(input: JobInput, params: Partial<UmapParams>, cb: JobCallbacks = {}, options: JobOptions = {}): JobHandle {
  const worker = new Worker(new URL('../../workers/umap.worker.ts', import.meta.url), { type: 'module', name: 'mapstream-job' });
  const remote = Comlink.wrap<JobWorkerApi>(worker);
  const eta = new EtaEstimator();
  let cancelled = false;
  let settle: { reject(e: unknown): void } | null = null;
  let outcome: Promise<JobOutcome> | null = null;

  const callbacks = Comlink.proxy({
    onProgress(e: ProgressEvent & { label?: string }) {
      const p = eta.update(e);
      cb.onProgress?.(p);
    },
    onLog(line: string) {
      cb.onLog?.(line);
    },
    onPreview(coords: Float32Array, nComponents: number) {
      cb.onPreview?.(coords, nComponents);
    },
    onDatasetStored: (key: string) => cb.onDatasetStored?.(key),
    onCheckpoint: (meta: CheckpointMeta) => cb.onCheckpoint?.(meta),
    onResumed: (from: CheckpointMeta | null, fellBack: boolean) => cb.onResumed?.(from, fellBack),
    onStorageWarning: (message: string) => cb.onStorageWarning?.(message),
  });

  const result = new Promise<UmapResult>((resolve, reject) => {
    settle = { reject };
    // An uncaught error in the Worker (a crash) fails this job alone; Comlink would wait forever.
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (cancelled) return;
      cancelled = true;
      worker.terminate();
      reject(new Error(`The job's Worker crashed: ${ev.message || 'unknown error'}.`));
    });
    const sourceP: Promise<JobSource> = options.storedDataset
      ? Promise.resolve({ stored: options.storedDataset, n: input.n, d: input.d })
      : jobSource(input, options.transferInput ?? false);
    outcome = sourceP.then((source): Promise<JobOutcome> => {
      if (cancelled) throw new JobCancelledError();
      const payload = 'data' in source && source.data.buffer instanceof ArrayBuffer ? Comlink.transfer(source, [source.data.buffer]) : source;
      return remote.start(
        payload,
        params,
        { threads: options.threads ?? defaultThreads(), checkpoint: options.checkpoint, gpuTest: options.gpuTest, persist: options.persist },
        callbacks,
      );
    });
    outcome.then(
      (o) => {
        if (o.status === 'done') resolve(o.result);
        else reject(new JobStoppedError(o.checkpoint));
      },
      (e) => reject(userError(e)),
    ).finally(() => {
      if (!cancelled) {
        remote[Comlink.releaseProxy]();
        worker.terminate();
      }
    });
  });

  return {
    result,
    async pause() {
      await remote.stop();
      try {
        await result;
        return null;
      } catch (e) {
        if (e instanceof JobStoppedError) return e.checkpoint;
        throw e;
      }
    },
    crash() {
      void remote.crash();
    },
    inject(fault) {
      if (fault.kind === 'crash') void remote.crash();
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      // Terminating frees the Worker and its pool at once, whatever it is computing.
      worker.terminate();
      settle?.reject(new JobCancelledError());
    },
  };
}

/**
 * Shared mode puts the vectors once into shared wasm memory, which every Worker of the job reads
 * in place. Transfer mode posts them, copied unless the caller gives its buffer away.
 */
async function jobSource(input: JobInput, giveAway: boolean): Promise<JobSource> {
  const { n, d } = input;
  const inShared = sharedStoreOf(input.data);
  if (inShared) return { memory: inShared.memory!, n, d };
  if (workerMode() === 'shared' && wasmSimdSupported()) {
    const store = allocateRowStore(n, d, true);
    await copyInSlices(input.data, store.data);
    return { memory: store.memory!, n, d };
  }
  if (giveAway) return { data: input.data, n, d };
  const copy = new Float32Array(input.data.length);
  await copyInSlices(input.data, copy);
  return { data: copy, n, d };
}

/** A large copy in slices of a few milliseconds each, so the main thread never blocks for long. */
async function copyInSlices(src: Float32Array, dst: Float32Array): Promise<void> {
  const SLICE = 1 << 21; // 8 MB of floats
  for (let at = 0; at < src.length; at += SLICE) {
    dst.set(src.subarray(at, Math.min(src.length, at + SLICE)), at);
    if (at + SLICE < src.length) await yieldToEventLoop();
  }
}

function userError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(String(e));
}

export class JobStoppedError extends Error {
  constructor(readonly checkpoint: EngineCheckpoint) {
    super('The job was paused.');
    this.name = 'JobStoppedError';
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelledError';
  }
}

