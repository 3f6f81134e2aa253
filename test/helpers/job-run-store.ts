// An in-memory stand-in for the job stores (job-persistence.ts's JobStorage and ModelStorage) and
// the deps of a JobRun on the CPU, for the job-run tests that fit, index and transform in Node.
import { ComputeCore, LocalPool } from '../../src/engine/compute-core';
import type { TransformCheckpoint } from '../../src/engine/transform';
import type { KnnGraph } from '../../src/engine/types';
import type { CheckpointMeta, LoadedCheckpoint } from '../../src/jobs/checkpoint-store';
import type { CheckpointSink, JobStorage, ModelStorage } from '../../src/jobs/job-persistence';
import type { JobRunDeps } from '../../src/jobs/job-run';
import type { ModelRecord } from '../../src/jobs/model-store';
import type { TransformCheckpointSink } from '../../src/jobs/transform-checkpoint-writer';

export const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Datasets, models, maps and transform checkpoints of rows of `d` columns; fit checkpoints are not kept. */
export class FakeStore {
  datasets = new Map<string, Float32Array>();
  models = new Map<string, { rec: ModelRecord; knn: KnnGraph | null }>();
  maps = new Map<string, Float32Array>();
  checkpoints = new Map<string, { cp: TransformCheckpoint; meta: CheckpointMeta }>();
  saves = 0;

  constructor(readonly d: number) {}

  storage(): JobStorage {
    const sink: CheckpointSink = { boundary: async () => {}, stopped: async () => {}, flush: async () => {}, summary: () => null };
    return {
      open: async () => {},
      putDataset: async (key, rows) => void this.datasets.set(key, rows.slice()),
      readDataset: async (key, into) => {
        const rows = this.datasets.get(key)!;
        into.set(rows);
        return { n: rows.length / this.d, d: this.d };
      },
      loadCheckpoint: async () => null,
      checkpointWriter: () => sink,
    };
  }

  modelStorage(): ModelStorage {
    return {
      putModel: async (rec, knn) => void this.models.set(rec.jobId, { rec: structuredClone(rec), knn: knn && structuredClone(knn) }),
      getModel: async (id) => this.models.get(id)?.rec ?? null,
      loadKnnGraph: async (key, metric, k) =>
        [...this.models.values()].find((x) => x.knn && x.rec.datasetKey === key && x.rec.params.metric === metric && x.rec.params.nNeighbors === k)?.knn ?? null,
      readFittedMap: async (id) => this.maps.get(id)?.slice() ?? null,
      loadTransformCheckpoint: async (id): Promise<LoadedCheckpoint<TransformCheckpoint> | null> => {
        const c = this.checkpoints.get(id);
        return c ? { checkpoint: structuredClone(c.cp), deltas: [], meta: c.meta, fellBack: false } : null;
      },
      transformCheckpointWriter: (id, onSaved): TransformCheckpointSink => ({
        boundary: async (engine, progress) => {
          if (engine.phase === 'done') return;
          const meta: CheckpointMeta = { key: `cp:${id}:${++this.saves}`, seq: this.saves, checksum: '', bytes: 0, savedAt: 0, progress: progress && { ...progress } };
          this.checkpoints.set(id, { cp: structuredClone(engine.checkpoint()), meta });
          onSaved(meta);
        },
        stopped: async () => {},
        flush: async () => {},
        summary: () => null,
      }),
    };
  }
}

/** A JobRun's deps over `store`, on the CPU with an in-process pool; `extra` adds or replaces some. */
export function cpuJobDeps(store: FakeStore, extra: Partial<JobRunDeps> = {}): JobRunDeps {
  return {
    async createPool(_size, rows, metric) {
      return Object.assign(new LocalPool(new ComputeCore(rows, rows.n, rows.d, metric)), { terminate: () => {} });
    },
    chooseBackend: async () => ({ report: { backend: 'cpu', reason: 'cpu: chosen in the settings' }, adapter: null }),
    startGpuSession: () => Promise.reject(new Error('no GPU here')),
    withGpuLock: (fn) => fn(),
    storage: store.storage(),
    models: store.modelStorage(),
    now: () => 0,
    ...extra,
  };
}
