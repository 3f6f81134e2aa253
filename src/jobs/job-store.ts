// IndexedDB persistence of jobs, usable from the page and from job Workers (idb-keyval's store
// works in both): job records, datasets and results here, checkpoints in checkpoint-store.ts. One
// object store (jobs-db.ts) holds every record under a prefixed key:
//   job:<id>          the job record (parameters, state, timings)
//   ds:<key>          a dataset's manifest; ds:<key>:<i> its rows in 1000-row chunks, shared by every
//                     job on the same data (the key is a content hash)
//   dsref:<key>:<id>  job <id> uses dataset <key> (written before its rows; removed with the job)
//   cp:<id>:<seq>     one base checkpoint; cp:<id>:<seq>:d:<i> the chained deltas on it and
//                     cp:<id>:<seq>:layout its newest layout state; cpptr:<id> points at the current
//                     base and the one before
//   res:<id>          a completed fit's result (its map)
//   gknn:… gfz:… gref:<id>:…  stored kNN and fuzzy graphs and the jobs that made or used them
//                     (graph-store.ts: gknn:<datasetKey>:<metric>:<nNeighbors>,
//                     gfz:<datasetKey>:<metric>:<nNeighbors>:<localConnectivity>:<setOpMixRatio>)
//   model:<id>        a completed fit's model (model-store.ts): parameters, a, b and the dataset key
//                     of its rows; it references ds:<key> (through the job's dsref) and res:<id>
//   model:<id>:knn    the fit's kNN graph (absent when the fit was resumed after its graph phase;
//                     it is then recomputed, which gives the same graph)
//   tres:<id>         a completed transform's result (TransformJobResult)
//   tmeta:<id>        a transform's batch name and its rows' metadata (transform-meta-store.ts), written
//                     before its record, for landing the batch after a reload
//   given:<id>        a model job's given map (given-map-store.ts): the precomputed map whose rows it
//                     indexes; its result res:<id> is that same map
//   part:<key>|<i>    part i of a large typed array of the value under <key> (value-parts.ts): checkpoints,
//                     graphs and kNN models of a million points pass IndexedDB's largest value (127 MiB)
// A transform job's record has kind 'transform' and its parent fit's id; its own dataset is the new
// rows, and its checkpoints (cp:<id>:…) hold whole TransformCheckpoints. A model job's record is a
// fit's with `knnOnly`: it ran only the kNN phase over rows whose map was given, so it keeps a model.
import { promisifyRequest } from 'idb-keyval';
import type { ProgressEvent, UmapParams, UmapResult } from '../engine/types';
import type { WarmStart } from '../engine/warm-start';
import type { Categories } from '../io';
import { clearCheckpoints } from './checkpoint-store';
import { clearGraphRefs, deleteGraphsIfUnused, type GraphReuse } from './graph-store';
import type { TransformJobResult } from './job-protocol';
import { clearGivenMap } from './given-map-store';
import { clearModel } from './model-store';
import { clearBatchMeta } from './transform-meta-store';
import { db } from './jobs-db';

const DATASET_CHUNK_ROWS = 1000;

export type JobState = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type Priority = 'high' | 'normal' | 'low';

export interface JobRecord {
  id: string;
  name: string;
  n: number;
  d: number;
  params: Partial<UmapParams>;
  priority: Priority;
  /** Position within its priority; smaller runs first. */
  order: number;
  state: JobState;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds of work done so far, across runs. */
  elapsedS: number;
  progress: ProgressEvent | null;
  /** Content key of the stored dataset, once the job Worker has written it. */
  datasetKey: string | null;
  categories: Categories | null;
  labelName?: string;
  error: string | null;
  /** The tab that owns the job (see tab-lock.ts). */
  owner?: string;
  /** The stored graph this fit started from, when it skipped kNN (and the graph phase). */
  reused?: GraphReuse;
  /**
   * A fit whose layout starts from these coordinates (a warm re-run or a refit), kept in the record so
   * a job queued before a reload still starts from them.
   */
  warm?: WarmStart;
  /** Absent: a fit. A transform places the job's rows into its parent fit's map. */
  kind?: 'fit' | 'transform';
  /** A transform's fit job. */
  parent?: string;
  /**
   * A model job: the rows came with their map (a precomputed one, stored under given:<id>), so the fit
   * ran only its kNN phase; its model and result are a fit's, and points can be added to that map.
   */
  knnOnly?: true;
}

interface DatasetManifest {
  key: string;
  n: number;
  d: number;
  chunkRows: number;
  chunks: number;
}

export interface StoredResult {
  embedding: Float32Array;
  nComponents: number;
  n: number;
  params: UmapParams;
  timings: UmapResult['timings'];
  log: string[];
  /** The backend that ran the layout, so a record exported after a reload still names it. */
  backend?: 'cpu' | 'webgpu';
}

const jobKey = (id: string) => `job:${id}`;

// --- job records ---------------------------------------------------------------------------------

export function putJob(rec: JobRecord): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(rec, jobKey(rec.id));
    return promisifyRequest(s.transaction);
  });
}

export function getJob(id: string): Promise<JobRecord | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(jobKey(id)) as IDBRequest<JobRecord | undefined>));
}

export function listJobs(): Promise<JobRecord[]> {
  const range = IDBKeyRange.bound('job:', 'job:\uffff');
  return db()('readonly', (s) => promisifyRequest(s.getAll(range) as IDBRequest<JobRecord[]>));
}

/**
 * Remove a job: its record, result, checkpoints, dataset and graph references go in one transaction (so
 * a reload never finds half a job); then each dataset and graph it referenced, unless another job uses it.
 */
export async function deleteJob(id: string): Promise<void> {
  const { keys, graphs } = await db()('readwrite', async (s) => {
    const rec = (await promisifyRequest(s.get(jobKey(id)))) as JobRecord | undefined;
    const refs = ((await promisifyRequest(s.getAllKeys(IDBKeyRange.bound('dsref:', 'dsref:\uffff')))) as IDBValidKey[]).map(String).filter((k) => k.endsWith(`:${id}`));
    s.delete(jobKey(id));
    s.delete(`res:${id}`);
    s.delete(`tres:${id}`);
    clearModel(s, id);
    clearGivenMap(s, id);
    clearBatchMeta(s, id);
    clearCheckpoints(s, id);
    for (const r of refs) s.delete(r);
    const graphs = await clearGraphRefs(s, id);
    await promisifyRequest(s.transaction);
    return { keys: new Set([rec?.datasetKey, ...refs.map((r) => r.slice('dsref:'.length, r.lastIndexOf(':')))].filter((k): k is string => !!k)), graphs };
  });
  for (const key of keys) await deleteDatasetIfUnused(key);
  await deleteGraphsIfUnused(graphs);
}

// --- datasets ------------------------------------------------------------------------------------

function getDatasetManifest(key: string): Promise<DatasetManifest | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(`ds:${key}`) as IDBRequest<DatasetManifest | undefined>));
}

/**
 * Dataset writes and deletes under one Web Lock per content key, across tabs and Workers: a delete
 * that checks "no job uses it" must not interleave with a job that is storing or adopting the rows.
 */
function withDatasetLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? locks.request(`mapstream-ds:${key}`, fn) : fn();
}

/**
 * Store the rows once under their content key, for job `jobId`. The job's reference (dsref:<key>:<id>)
 * is written first, so the rows count as used from then on; chunks go next and the manifest last, so
 * a manifest is only ever present over a complete set of chunks. A failed write removes its chunks.
 */
export async function putDataset(key: string, data: Float32Array, n: number, d: number, jobId?: string): Promise<void> {
  await withDatasetLock(key, async () => {
    if (jobId) {
      await db()('readwrite', (s) => {
        s.put(1, `dsref:${key}:${jobId}`);
        return promisifyRequest(s.transaction);
      });
    }
    if (await getDatasetManifest(key)) return;
    const chunks = Math.ceil(n / DATASET_CHUNK_ROWS);
    // About 8 MB per transaction: the page stores queued jobs' data too, and each put clones its chunk
    // on the calling thread, so a transaction must stay a short task.
    const PER_TX = Math.max(1, Math.floor((8 << 20) / (DATASET_CHUNK_ROWS * d * 4)));
    try {
      for (let c0 = 0; c0 < chunks; c0 += PER_TX) {
        await db()('readwrite', (s) => {
          for (let c = c0; c < Math.min(chunks, c0 + PER_TX); c++) {
            const r0 = c * DATASET_CHUNK_ROWS;
            const r1 = Math.min(n, r0 + DATASET_CHUNK_ROWS);
            s.put(data.slice(r0 * d, r1 * d), `ds:${key}:${c}`);
          }
          return promisifyRequest(s.transaction);
        });
      }
      const manifest: DatasetManifest = { key, n, d, chunkRows: DATASET_CHUNK_ROWS, chunks };
      await db()('readwrite', (s) => {
        s.put(manifest, `ds:${key}`);
        return promisifyRequest(s.transaction);
      });
    } catch (e) {
      await deleteDatasetRows(key).catch(() => {});
      throw e;
    }
  });
}

/** Read a stored dataset into `into` (n × d), checking every chunk's size. */
export async function readDataset(key: string, into?: Float32Array): Promise<{ data: Float32Array; n: number; d: number }> {
  const m = await getDatasetManifest(key);
  if (!m) throw new Error(`The stored data of this job (${key}) is missing; load the file again and start a new job.`);
  const out = into ?? new Float32Array(m.n * m.d);
  for (let c = 0; c < m.chunks; c++) {
    const part = await db()('readonly', (s) => promisifyRequest(s.get(`ds:${key}:${c}`) as IDBRequest<Float32Array | undefined>));
    const rows = Math.min(m.chunkRows, m.n - c * m.chunkRows);
    if (!(part instanceof Float32Array) || part.length !== rows * m.d) throw new Error(`The stored data of this job is damaged (chunk ${c + 1} of ${m.chunks}); load the file again.`);
    out.set(part, c * m.chunkRows * m.d);
  }
  return { data: out, n: m.n, d: m.d };
}

/** Remove a stored dataset unless a job still refers to it (by reference key or by its record). */
function deleteDatasetIfUnused(key: string): Promise<void> {
  return withDatasetLock(key, async () => {
    const refs = await db()('readonly', (s) => promisifyRequest(s.count(IDBKeyRange.bound(`dsref:${key}:`, `dsref:${key}:\uffff`))));
    if (refs > 0) return;
    if ((await listJobs()).some((j) => j.datasetKey === key)) return;
    await deleteDatasetRows(key);
  });
}

/**
 * Remove every stored dataset that no job refers to any more: one whose last job's delete was cut
 * off between its two steps (the tab closed), or that an older version left without references.
 * Each goes through the same locked check as a single delete, so a job storing the rows is safe.
 */
export async function deleteUnusedDatasets(): Promise<void> {
  const keys = await db()('readonly', (s) => promisifyRequest(s.getAllKeys(IDBKeyRange.bound('ds:', 'ds:\uffff'))));
  // A manifest is `ds:<key>`; its chunks are `ds:<key>:<i>` (dataset keys hold no colon).
  const manifests = keys.map(String).filter((k) => k.indexOf(':', 3) < 0);
  for (const m of manifests) await deleteDatasetIfUnused(m.slice(3));
}

function deleteDatasetRows(key: string): Promise<void> {
  return db()('readwrite', (s) => {
    // Manifest first: a half-deleted dataset must never look complete.
    s.delete(`ds:${key}`);
    s.delete(IDBKeyRange.bound(`ds:${key}:`, `ds:${key}:\uffff`));
    return promisifyRequest(s.transaction);
  });
}

// --- results -------------------------------------------------------------------------------------

export function putResult(id: string, r: StoredResult): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(r, `res:${id}`);
    return promisifyRequest(s.transaction);
  });
}

export function getResult(id: string): Promise<StoredResult | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(`res:${id}`) as IDBRequest<StoredResult | undefined>));
}

export function putTransformResult(id: string, r: TransformJobResult): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(r, `tres:${id}`);
    return promisifyRequest(s.transaction);
  });
}

export function getTransformResult(id: string): Promise<TransformJobResult | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(`tres:${id}`) as IDBRequest<TransformJobResult | undefined>));
}
