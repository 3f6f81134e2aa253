// Result caching: the kNN and fuzzy graphs of finished phases, in the jobs DB under content keys, so a
// later fit on the same rows skips the phases that made them. Keys (see also job-store.ts):
//   gknn:<datasetKey>:<metric>:<nNeighbors>                          a StoredKnnGraph
//   gfz:<datasetKey>:<metric>:<nNeighbors>:<localConn>:<setOpMix>    a StoredFuzzyGraph
//   gref:<jobId>:<graph key>                                         job <jobId> made or used that graph
// A graph lives while a reference to it does: deleteJob drops the job's references and then every
// graph nobody else refers to, and the retention sweep drops references of jobs whose record is gone.
import { promisifyRequest } from 'idb-keyval';
import type { FuzzyGraph, KnnGraph, Metric } from '../engine/types';
import { db } from './jobs-db';
import { partRange, putWithParts, readWithParts } from './value-parts';

export interface StoredKnnGraph {
  datasetKey: string;
  metric: Metric;
  nNeighbors: number;
  n: number;
  k: number;
  indices: Int32Array;
  distances: Float32Array;
  fromJob: string;
  createdAt: number;
}

/** The parameters of the fuzzy union beyond the kNN graph's (umap-learn's local_connectivity, set_op_mix_ratio). */
export interface FuzzyGraphParams {
  localConnectivity: number;
  setOpMixRatio: number;
}

export interface StoredFuzzyGraph extends FuzzyGraphParams {
  datasetKey: string;
  metric: Metric;
  nNeighbors: number;
  n: number;
  rows: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
  fromJob: string;
  createdAt: number;
}

/** What a fit took from the store instead of computing it: 'fuzzy' skips kNN and graph, 'knn' only kNN. */
export interface GraphReuse {
  what: 'knn' | 'fuzzy';
  fromJob: string;
  /** The name of the job that made it; null once that job is gone. */
  fromName: string | null;
  /** That job's seed (the kNN graph depends on it above exactKnnMaxN); null once it is gone. */
  seed: number | null;
  /** Seconds spent reading the graph from the store. */
  loadS: number;
}

/** The sentence the job log and the run report show for a reuse. */
export function describeReuse(r: GraphReuse): string {
  const from = r.fromName !== null ? `${r.fromName}${r.seed !== null ? ` (seed ${r.seed})` : ''}` : `job ${r.fromJob} (no longer listed)`;
  return r.what === 'fuzzy' ? `Reused the kNN and fuzzy graphs of ${from}: kNN and graph phases skipped.` : `kNN graph reused from ${from}: kNN phase skipped.`;
}

export const knnGraphKey = (datasetKey: string, metric: Metric, nNeighbors: number) => `gknn:${datasetKey}:${metric}:${nNeighbors}`;
export const fuzzyGraphKey = (datasetKey: string, metric: Metric, nNeighbors: number, p: FuzzyGraphParams) =>
  `gfz:${datasetKey}:${metric}:${nNeighbors}:${p.localConnectivity}:${p.setOpMixRatio}`;

const REF = 'gref:';
const refKey = (jobId: string, graphKey: string) => `${REF}${jobId}:${graphKey}`;
/** A reference's parts; job ids and dataset keys hold no colon, so the first one after the prefix splits them. */
function parseRef(ref: string): { jobId: string; graphKey: string } {
  const rest = ref.slice(REF.length);
  const i = rest.indexOf(':');
  return { jobId: rest.slice(0, i), graphKey: rest.slice(i + 1) };
}
const range = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);

/** Writes and deletes of one graph under one Web Lock, across tabs and Workers (as datasets do). */
function withGraphLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? locks.request(`mapstream-graph:${key}`, fn) : fn();
}

function get<T>(key: string): Promise<T | undefined> {
  // A million-point graph is past IndexedDB's largest value: its arrays are stored in parts (value-parts.ts).
  return db()('readonly', async (s) => readWithParts(s, key, await promisifyRequest(s.get(key) as IDBRequest<T | undefined>)));
}

export function getKnnGraph(datasetKey: string, metric: Metric, nNeighbors: number): Promise<StoredKnnGraph | undefined> {
  return get<StoredKnnGraph>(knnGraphKey(datasetKey, metric, nNeighbors));
}

export function getFuzzyGraph(datasetKey: string, metric: Metric, nNeighbors: number, p: FuzzyGraphParams): Promise<StoredFuzzyGraph | undefined> {
  return get<StoredFuzzyGraph>(fuzzyGraphKey(datasetKey, metric, nNeighbors, p));
}

/**
 * Store a graph for `jobId` unless one is stored under its key already (the first stays: in approximate
 * mode another seed's graph is as good, and the maps made from it keep pointing at it). The reference
 * goes first, so the graph counts as used from then on. Resolves true when this call wrote the graph.
 */
function putGraph(key: string, jobId: string, value: StoredKnnGraph | StoredFuzzyGraph): Promise<boolean> {
  return withGraphLock(key, () =>
    db()('readwrite', async (s) => {
      s.put(1, refKey(jobId, key));
      const exists = (await promisifyRequest(s.count(key))) > 0;
      if (!exists) putWithParts(s, key, value);
      await promisifyRequest(s.transaction);
      return !exists;
    }),
  );
}

export function putKnnGraph(datasetKey: string, metric: Metric, nNeighbors: number, knn: KnnGraph, jobId: string): Promise<boolean> {
  const g: StoredKnnGraph = { datasetKey, metric, nNeighbors, n: knn.n, k: knn.k, indices: knn.indices, distances: knn.distances, fromJob: jobId, createdAt: Date.now() };
  return putGraph(knnGraphKey(datasetKey, metric, nNeighbors), jobId, g);
}

export function putFuzzyGraph(datasetKey: string, metric: Metric, nNeighbors: number, p: FuzzyGraphParams, graph: FuzzyGraph, jobId: string): Promise<boolean> {
  const g: StoredFuzzyGraph = {
    datasetKey,
    metric,
    nNeighbors,
    localConnectivity: p.localConnectivity,
    setOpMixRatio: p.setOpMixRatio,
    n: graph.n,
    rows: graph.rows,
    cols: graph.cols,
    weights: graph.weights,
    fromJob: jobId,
    createdAt: Date.now(),
  };
  return putGraph(fuzzyGraphKey(datasetKey, metric, nNeighbors, p), jobId, g);
}

/** Job `jobId` uses the stored graph under `key` (it reused it), so the graph stays while the job does. */
export function refGraph(jobId: string, key: string): Promise<void> {
  return withGraphLock(key, () =>
    db()('readwrite', (s) => {
      s.put(1, refKey(jobId, key));
      return promisifyRequest(s.transaction);
    }),
  );
}

/**
 * Inside deleteJob's transaction: drop the job's references. Resolves with the keys of the graphs they
 * named, to be checked with deleteGraphsIfUnused once the transaction is done.
 */
export async function clearGraphRefs(s: IDBObjectStore, jobId: string): Promise<string[]> {
  const prefix = `${REF}${jobId}:`;
  const refs = ((await promisifyRequest(s.getAllKeys(range(prefix)))) as IDBValidKey[]).map(String);
  s.delete(range(prefix));
  return refs.map((r) => parseRef(r).graphKey);
}

/** Remove each of these graphs unless some job still refers to it. */
export async function deleteGraphsIfUnused(keys: Iterable<string>): Promise<void> {
  for (const key of new Set(keys)) {
    await withGraphLock(key, async () => {
      const refs = ((await db()('readonly', (s) => promisifyRequest(s.getAllKeys(range(REF))))) as IDBValidKey[]).map(String);
      if (refs.some((r) => parseRef(r).graphKey === key)) return;
      await db()('readwrite', (s) => {
        s.delete(key);
        s.delete(partRange(key));
        return promisifyRequest(s.transaction);
      });
    });
  }
}

/**
 * The retention sweep's part: references of jobs whose record is gone (a run that wrote its graph after
 * its job was cancelled), then every graph without a reference.
 */
export async function deleteUnusedGraphs(): Promise<void> {
  const { refs, graphs, jobs } = await db()('readonly', async (s) => ({
    refs: ((await promisifyRequest(s.getAllKeys(range(REF)))) as IDBValidKey[]).map(String),
    graphs: [...((await promisifyRequest(s.getAllKeys(range('gknn:')))) as IDBValidKey[]), ...((await promisifyRequest(s.getAllKeys(range('gfz:')))) as IDBValidKey[])].map(String),
    jobs: new Set(((await promisifyRequest(s.getAllKeys(range('job:')))) as IDBValidKey[]).map((k) => String(k).slice('job:'.length))),
  }));
  const orphans = refs.filter((r) => !jobs.has(parseRef(r).jobId));
  if (orphans.length > 0) {
    await db()('readwrite', (s) => {
      for (const r of orphans) s.delete(r);
      return promisifyRequest(s.transaction);
    });
  }
  await deleteGraphsIfUnused(graphs);
}
