// A job run's persistence, in the job Worker: its dataset stored once per content key, checkpoints at
// its boundaries, and the stored state it resumes from. The storage is a parameter (IndexedDB in the
// app, a fake in unit tests).
import type { UmapEngine } from '../engine/engine';
import type { TransformCheckpoint } from '../engine/transform';
import type { KnnGraph, Metric, ProgressEvent } from '../engine/types';
import type { RowStore } from '../engine/wasm/row-kernels';
import { loadCheckpoint, loadTransformCheckpoint, type CheckpointMeta, type LoadedCheckpoint } from './checkpoint-store';
import { CheckpointWriter } from './checkpoint-writer';
import { datasetKeyOf } from './checksum';
import type { JobCallbacks, PersistOptions } from './job-protocol';
import { getResult, putDataset, readDataset } from './job-store';
import { describeStorageError, openJobStore } from './jobs-db';
import { indexedDbGraphs, type GraphCache } from './graph-reuse';
import { getKnnGraph } from './graph-store';
import { getModel, loadKnnGraph, putModel, type ModelRecord } from './model-store';
import { TransformCheckpointWriter, type TransformCheckpointSink } from './transform-checkpoint-writer';

/** What a run needs of its checkpoint writer (CheckpointWriter in the app). */
export interface CheckpointSink {
  /** At every engine boundary, with the newest progress. */
  boundary(engine: UmapEngine, progress: ProgressEvent | null): Promise<void>;
  /** At a stop: save whatever the last boundary skipped. */
  stopped(engine: UmapEngine, progress: ProgressEvent | null): Promise<void>;
  /** Wait for the last write. */
  flush(): Promise<void>;
  /** A line for the job log about what was written; null for none. */
  summary(): string | null;
}

export interface JobStorage {
  /** Open the store ahead of the first write; rejects when storage is unusable. */
  open(): Promise<void>;
  putDataset(key: string, data: Float32Array, n: number, d: number, jobId: string): Promise<void>;
  readDataset(key: string, into: Float32Array): Promise<{ n: number; d: number }>;
  /** The newest stored state that verifies, or null. */
  loadCheckpoint(jobId: string): Promise<LoadedCheckpoint | null>;
  checkpointWriter(jobId: string, onSaved: (meta: CheckpointMeta) => void, onError: (message: string) => void): CheckpointSink;
  /** Stored kNN and fuzzy graphs for reuse; without it every fit computes them. */
  graphs?: GraphCache;
}

/** What fits store for transforms, and what transforms read and checkpoint (IndexedDB in the app, a fake in tests). */
export interface ModelStorage {
  putModel(rec: ModelRecord, knn: KnnGraph | null): Promise<void>;
  getModel(jobId: string): Promise<ModelRecord | null>;
  /**
   * A stored kNN graph of this dataset, metric and n_neighbors, or null (the caller then recomputes
   * it). Reads the graph a model stored; the content-keyed graph cache can answer here instead.
   */
  loadKnnGraph(datasetKey: string, metric: Metric, nNeighbors: number): Promise<KnnGraph | null>;
  /** A completed fit's map (res:<id>), or null. */
  readFittedMap(jobId: string): Promise<Float32Array | null>;
  loadTransformCheckpoint(jobId: string): Promise<LoadedCheckpoint<TransformCheckpoint> | null>;
  transformCheckpointWriter(jobId: string, onSaved: (meta: CheckpointMeta) => void, onError: (message: string) => void): TransformCheckpointSink;
}

/** The app's storage: the jobs database in IndexedDB. */
export const indexedDbStorage: JobStorage = {
  open: openJobStore,
  putDataset,
  readDataset: (key, into) => readDataset(key, into),
  loadCheckpoint,
  checkpointWriter: (jobId, onSaved, onError) => new CheckpointWriter(jobId, Date.now(), onSaved, onError),
  graphs: indexedDbGraphs,
};

export const indexedDbModelStorage: ModelStorage = {
  putModel,
  getModel,
  // The content-keyed graph cache first (the graph every fit with graph reuse stores once per data,
  // metric and n_neighbors), then a graph a model stored itself (fits run without the cache).
  async loadKnnGraph(datasetKey, metric, nNeighbors) {
    const cached = await getKnnGraph(datasetKey, metric, nNeighbors).catch(() => undefined);
    if (cached && cached.indices.length === cached.n * cached.k) return { indices: cached.indices, distances: cached.distances, n: cached.n, k: cached.k };
    return loadKnnGraph(datasetKey, metric, nNeighbors);
  },
  readFittedMap: async (jobId) => (await getResult(jobId))?.embedding ?? null,
  loadTransformCheckpoint,
  transformCheckpointWriter: (jobId, onSaved, onError) => new TransformCheckpointWriter(jobId, Date.now(), onSaved, onError),
};

const IN_MEMORY = '; the job continues in memory and will not survive a reload.';

/**
 * Store the dataset (once per content key) and open the checkpoint store. A storage failure turns
 * persistence off for this run with a warning (null); the job itself goes on in memory.
 */
export async function preparePersistence(p: PersistOptions, store: RowStore, storage: JobStorage, cb: JobCallbacks<ProgressEvent>): Promise<CheckpointSink | null> {
  try {
    await storage.open();
    if (p.storeDataset) {
      const key = datasetKeyOf(store.data, store.n, store.d);
      await storage.putDataset(key, store.data, store.n, store.d, p.jobId);
      cb.onDatasetStored?.(key);
    }
  } catch (e) {
    cb.onStorageWarning?.(`${describeStorageError(e)}${IN_MEMORY}`);
    return null;
  }
  return storage.checkpointWriter(
    p.jobId,
    (meta) => cb.onCheckpoint?.(meta),
    (message) => cb.onStorageWarning?.(`${message}${IN_MEMORY}`),
  );
}

/** The stored state to resume from (none when unreadable), reported through onResumed. */
export async function resumeFromStore(jobId: string, storage: JobStorage, cb: JobCallbacks<ProgressEvent>): Promise<LoadedCheckpoint | null> {
  const loaded = await storage.loadCheckpoint(jobId).catch(() => null);
  cb.onResumed?.(loaded?.meta ?? null, loaded?.fellBack ?? false);
  return loaded;
}
