// The page's side of a job: runJob starts a job Worker (protocol: job-protocol.ts), gets the rows to
// it, turns its progress into JobProgress (with ETA), and gives back a handle to pause or cancel it.
import * as Comlink from 'comlink';
import type { EngineCheckpoint } from '../engine/engine';
import { yieldToEventLoop } from '../engine/run-steps';
import type { ProgressEvent, UmapParams } from '../engine/types';
import { allocateRowStore, wasmSimdSupported } from '../engine/wasm/row-kernels';
import type { CheckpointMeta } from './checkpoint-store';
import { EtaEstimator, type JobProgress } from './eta';
import type { Fault } from './faults';
import { isOutOfMemory } from './memory-error';
import type { TransformCheckpoint } from '../engine/transform';
import type { GraphReuse } from './graph-store';
import type {
  FitStart,
  JobCallbacks,
  JobOptions,
  JobOutcome,
  JobResult,
  JobRows,
  JobSource,
  JobStart,
  JobWorkerApi,
  TransformJobResult,
  TransformOutcome,
  TransformStart,
} from './job-protocol';

export type { JobCallbacks, JobOptions, JobProgress, JobRows };

export interface JobHandle<R = JobResult, C = EngineCheckpoint> {
  result: Promise<R>;
  /** Stop at the next boundary; resolves with the checkpoint to resume from. */
  pause(): Promise<C | null>;
  cancel(): void;
  /** Tests only: a fault in the running Worker (see faults.ts). */
  inject(fault: Fault): void;
}

/** 'shared': the data sits once in SharedArrayBuffer for all Workers. 'transfer': each gets a copy. */
export function workerMode(): 'shared' | 'transfer' {
  return typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined' ? 'shared' : 'transfer';
}

/** Job Workers started and not yet terminated: the test hook's count, to tell a leak here from the browser's. */
const unterminated = new Set<Worker>();

export function jobWorkersAlive(): number {
  return unterminated.size;
}

function defaultThreads(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.min(cores, 16));
}

/**
 * Run one UMAP job in a dedicated Worker, with kNN chunks and layout epochs spread over a pool of
 * compute Workers. Rows given with their shared `memory` are read there in place.
 */
export function runJob(input: JobRows, params: Partial<UmapParams>, cb: JobCallbacks = {}, options: FitJobOptions = {}): JobHandle {
  const { checkpoint, previewEveryMs, persist, faults, graphs, map, warm } = options;
  return startJobWorker<JobResult, EngineCheckpoint>(input, cb, options, async (source, threads) => {
    const msg: FitStart = { source, params, options: { threads, checkpoint, previewEveryMs, persist, faults, graphs, warm } };
    // A copy goes, so the caller's map stays whole for a retry or a resume.
    if (map) msg.map = (await map).slice();
    return msg;
  });
}

/** Options of a fit job; with `map`, the rows' precomputed map (FitStart.map), read when the Worker starts. */
export type FitJobOptions = JobOptions & { map?: Promise<Float32Array> };

/** Options of a transform job: a fit's, with a transform's checkpoint (a paused transform) instead of a fit's. */
export type TransformJobOptions = Omit<JobOptions, 'checkpoint' | 'previewEveryMs' | 'warm'> & { checkpoint?: TransformCheckpoint };

/** Place `input`'s rows into the map of fit job `parent` (its model is read from the job store), in a job Worker like a fit. */
export function runTransformJob(parent: string, input: JobRows, cb: JobCallbacks = {}, options: TransformJobOptions = {}): JobHandle<TransformJobResult, TransformCheckpoint> {
  const { checkpoint, persist, faults } = options;
  return startJobWorker<TransformJobResult, TransformCheckpoint>(
    input,
    cb,
    options,
    (source, threads): TransformStart => ({ kind: 'transform', parent, source, options: { threads, checkpoint, persist, faults } }),
  );
}

function startJobWorker<R, C extends EngineCheckpoint | TransformCheckpoint>(
  input: JobRows,
  cb: JobCallbacks,
  options: Pick<JobOptions, 'storedDataset' | 'transferInput' | 'threads'>,
  message: (source: JobSource, threads: number) => JobStart | Promise<JobStart>,
): JobHandle<R, C> {
  const worker = new Worker(new URL('../../workers/umap.worker.ts', import.meta.url), { type: 'module', name: 'mapstream-job' });
  unterminated.add(worker);
  const terminate = () => {
    unterminated.delete(worker);
    worker.terminate();
  };
  const remote = Comlink.wrap<JobWorkerApi>(worker);
  const eta = new EtaEstimator();
  let cancelled = false;
  let settle: { reject(e: unknown): void } | null = null;

  const callbacks: JobCallbacks<ProgressEvent> = Comlink.proxy({
    onProgress: (e: ProgressEvent) => cb.onProgress?.(eta.update(e)),
    onLog: (line: string) => cb.onLog?.(line),
    onPreview: (coords: Float32Array, nComponents: number) => cb.onPreview?.(coords, nComponents),
    onDatasetStored: (key: string) => cb.onDatasetStored?.(key),
    onCheckpoint: (meta: CheckpointMeta) => cb.onCheckpoint?.(meta),
    onResumed: (from: CheckpointMeta | null, fellBack: boolean) => cb.onResumed?.(from, fellBack),
    onStorageWarning: (message: string) => cb.onStorageWarning?.(message),
    onReused: (info: GraphReuse) => cb.onReused?.(info),
  });

  const result = new Promise<R>((resolve, reject) => {
    settle = { reject };
    // An uncaught error in the Worker (a crash) fails this job alone; Comlink would wait forever.
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (cancelled) return;
      cancelled = true;
      terminate();
      // A bare Event (no message) means its script never loaded.
      reject(
        new Error(
          ev.message
            ? `The job's Worker crashed: ${ev.message}.`
            : "Could not start the job's Worker: its script did not load (the network is off and this copy of the app lacks it, or the server failed).",
        ),
      );
    });
    const sourceP: Promise<JobSource> = options.storedDataset ? Promise.resolve({ stored: options.storedDataset, n: input.n, d: input.d }) : jobSource(input, options.transferInput ?? false);
    const outcome = sourceP.then(async (source): Promise<JobOutcome | TransformOutcome> => {
      const msg = await message(source, options.threads ?? defaultThreads());
      if (cancelled) throw new JobCancelledError();
      const buffers: ArrayBuffer[] = [];
      if ('data' in source && source.data.buffer instanceof ArrayBuffer) buffers.push(source.data.buffer);
      if (msg.kind !== 'transform' && msg.map?.buffer instanceof ArrayBuffer) buffers.push(msg.map.buffer);
      return remote.start(buffers.length ? Comlink.transfer(msg, buffers) : msg, callbacks);
    });
    outcome
      .then(
        (o) => {
          if (o.status === 'done') resolve(o.result as R);
          else reject(new JobStoppedError(o.checkpoint));
        },
        (e) => reject(userError(e)),
      )
      .finally(() => {
        if (!cancelled) {
          remote[Comlink.releaseProxy]();
          terminate();
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
        if (e instanceof JobStoppedError) return e.checkpoint as C;
        throw e;
      }
    },
    inject(fault) {
      void remote.inject(fault);
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      // Terminating frees the Worker and its pool at once, whatever it is computing.
      terminate();
      settle?.reject(new JobCancelledError());
    },
  };
}

/**
 * Rows in shared memory go as that Memory, which every Worker of the job reads in place. Otherwise
 * shared mode puts them once into shared wasm memory; transfer mode posts them, copied unless the
 * caller gives its buffer away.
 */
async function jobSource(input: JobRows, giveAway: boolean): Promise<JobSource> {
  const { n, d, memory } = input;
  if (memory && typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return { memory, n, d };
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
  // The browser's message names no job or rows.
  if (isOutOfMemory(e)) return new Error(`Not enough memory for the job (${e.message}). Close other tabs, or use fewer rows or fewer concurrent jobs.`);
  if (e instanceof Error) return e;
  return new Error(String(e));
}

export class JobStoppedError extends Error {
  constructor(readonly checkpoint: EngineCheckpoint | TransformCheckpoint) {
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
