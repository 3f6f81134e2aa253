// A finished fit's model in the jobs store (key layout: job-store.ts): what a transform needs besides
// the rows (ds:<key>, kept by the job's dsref) and the map (res:<id>), which are referenced, not copied.
// The search index is not stored: buildFittedModel rebuilds it from the rows and the kNN graph.
import { promisifyRequest } from 'idb-keyval';
import type { KnnGraph, Metric, UmapParams } from '../engine/types';
import { db } from './jobs-db';
import { partRange, putWithParts, readWithParts } from './value-parts';

export interface ModelRecord {
  version: 1;
  jobId: string;
  /** Content key of the fitted rows (ds:<key>). */
  datasetKey: string;
  n: number;
  d: number;
  /** The fit's resolved parameters. */
  params: UmapParams;
  a: number;
  b: number;
  nComponents: number;
  /** Whether model:<id>:knn holds the fit's kNN graph (a fit resumed after its graph phase has none). */
  hasKnn: boolean;
  createdAt: number;
}

const modelKey = (id: string) => `model:${id}`;
const knnKey = (id: string) => `model:${id}:knn`;

/** The record and its kNN graph in one transaction, so a reader never finds a record whose graph is half written. */
export function putModel(rec: ModelRecord, knn: KnnGraph | null): Promise<void> {
  return db()('readwrite', (s) => {
    // A million-point kNN graph nears IndexedDB's largest value: its arrays are stored in parts (value-parts.ts).
    if (knn) putWithParts(s, knnKey(rec.jobId), knn);
    else {
      s.delete(knnKey(rec.jobId));
      s.delete(partRange(knnKey(rec.jobId)));
    }
    s.put({ ...rec, hasKnn: !!knn }, modelKey(rec.jobId));
    return promisifyRequest(s.transaction);
  });
}

export async function getModel(id: string): Promise<ModelRecord | null> {
  const r = await db()('readonly', (s) => promisifyRequest(s.get(modelKey(id)) as IDBRequest<ModelRecord | undefined>));
  return r ?? null;
}

/**
 * The kNN graph of a stored model fitted on this dataset with this metric and n_neighbors, or null.
 * Any such model's graph will do: the exact kNN depends only on the rows and those parameters (an
 * NN-descent graph, above exactKnnMaxN rows, also on its seed; another seed's graph is as good a
 * search graph, so it is taken too).
 */
export async function loadKnnGraph(datasetKey: string, metric: Metric, nNeighbors: number): Promise<KnnGraph | null> {
  const keys = await db()('readonly', (s) => promisifyRequest(s.getAllKeys(IDBKeyRange.bound('model:', 'model:\uffff'))));
  for (const key of keys.map(String)) {
    if (key.endsWith(':knn')) continue;
    const rec = await db()('readonly', (s) => promisifyRequest(s.get(key) as IDBRequest<ModelRecord | undefined>));
    if (!rec?.hasKnn || rec.datasetKey !== datasetKey || rec.params.metric !== metric || rec.params.nNeighbors !== nNeighbors) continue;
    const knn = await db()('readonly', async (s) => readWithParts(s, knnKey(rec.jobId), await promisifyRequest(s.get(knnKey(rec.jobId)) as IDBRequest<KnnGraph | undefined>)));
    if (knn && knn.n === rec.n && knn.indices.length === knn.n * knn.k) return knn;
  }
  return null;
}

/** Delete a job's model within the caller's transaction (deleteJob's). */
export function clearModel(s: IDBObjectStore, id: string): void {
  s.delete(modelKey(id));
  s.delete(knnKey(id));
  s.delete(partRange(knnKey(id)));
}

/** A stored model's own kNN graph (its fit's), or null when the model or its graph is not stored. */
export async function getModelKnn(id: string): Promise<KnnGraph | null> {
  const rec = await getModel(id);
  if (!rec?.hasKnn) return null;
  const knn = await db()('readonly', async (s) => readWithParts(s, knnKey(id), await promisifyRequest(s.get(knnKey(id)) as IDBRequest<KnnGraph | undefined>)));
  return knn && knn.indices.length === knn.n * knn.k ? knn : null;
}
