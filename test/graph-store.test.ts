// The graph cache in the jobs DB (fake-indexeddb in Node): content keys, the first graph stays, and a
// graph lives exactly as long as a job that made or used it.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { promisifyRequest } from 'idb-keyval';
import type { FuzzyGraph, KnnGraph } from '../src/engine/types';
import { deleteUnusedGraphs, fuzzyGraphKey, getFuzzyGraph, getKnnGraph, knnGraphKey, putFuzzyGraph, putKnnGraph, refGraph } from '../src/jobs/graph-store';
import { deleteJob, putJob } from '../src/jobs/job-store';
import { newRecord } from '../src/jobs/job-state-record';
import { db } from '../src/jobs/jobs-db';
import { DEFAULT_SETTINGS } from '../src/jobs/settings';

const knn = (n: number, k: number, v = 1): KnnGraph => ({ n, k, indices: Int32Array.from({ length: n * k }, (_, i) => i % n), distances: new Float32Array(n * k).fill(v) });
const fuzzy = (n: number): FuzzyGraph => ({ n, rows: Int32Array.of(0, 1), cols: Int32Array.of(1, 0), weights: Float32Array.of(1, 1) });
const fp = { localConnectivity: 1, setOpMixRatio: 1 };

let seq = 0;
async function job(name: string): Promise<string> {
  const rec = newRecord({ data: new Float32Array(4), n: 2, d: 2 }, { seed: 7 }, { name }, { id: `g${++seq}`, order: seq, owner: 'tab', settings: DEFAULT_SETTINGS });
  await putJob(rec);
  return rec.id;
}

async function graphKeys(): Promise<string[]> {
  const all = (await db()('readonly', (s) => promisifyRequest(s.getAllKeys()))) as IDBValidKey[];
  return all.map(String).filter((k) => /^g(knn|fz|ref):/.test(k));
}

describe('graph store', () => {
  it('keys the kNN graph by dataset, metric and n_neighbors, the fuzzy graph by its parameters too', async () => {
    const a = await job('a');
    expect(await putKnnGraph('10x2-aa', 'euclidean', 15, knn(10, 15), a)).toBe(true);
    const got = await getKnnGraph('10x2-aa', 'euclidean', 15);
    expect(got).toMatchObject({ datasetKey: '10x2-aa', metric: 'euclidean', nNeighbors: 15, n: 10, k: 15, fromJob: a });
    expect(got!.indices).toBeInstanceOf(Int32Array);
    expect(got!.distances).toBeInstanceOf(Float32Array);
    expect(await getKnnGraph('10x2-aa', 'cosine', 15)).toBeUndefined();
    expect(await getKnnGraph('10x2-aa', 'euclidean', 10)).toBeUndefined();
    expect(await getKnnGraph('10x2-bb', 'euclidean', 15)).toBeUndefined();

    expect(await putFuzzyGraph('10x2-aa', 'euclidean', 15, fp, fuzzy(10), a)).toBe(true);
    expect(await getFuzzyGraph('10x2-aa', 'euclidean', 15, fp)).toMatchObject({ n: 10, localConnectivity: 1, setOpMixRatio: 1, fromJob: a });
    expect(await getFuzzyGraph('10x2-aa', 'euclidean', 15, { localConnectivity: 2, setOpMixRatio: 1 })).toBeUndefined();
    expect(await getFuzzyGraph('10x2-aa', 'euclidean', 15, { localConnectivity: 1, setOpMixRatio: 0.5 })).toBeUndefined();
    await deleteJob(a);
    expect(await graphKeys()).toEqual([]);
  });

  it('keeps the first graph stored under a key', async () => {
    const a = await job('a');
    const b = await job('b');
    await putKnnGraph('20x2-cc', 'euclidean', 5, knn(20, 5, 1), a);
    expect(await putKnnGraph('20x2-cc', 'euclidean', 5, knn(20, 5, 2), b)).toBe(false);
    const got = await getKnnGraph('20x2-cc', 'euclidean', 5);
    expect(got!.fromJob).toBe(a);
    expect(got!.distances[0]).toBe(1);
    await deleteJob(a);
    await deleteJob(b);
    expect(await graphKeys()).toEqual([]);
  });

  it('keeps a graph while a job that made or used it remains, and leaves nothing once they are deleted', async () => {
    const maker = await job('maker');
    const user = await job('user');
    const other = await job('other');
    await putKnnGraph('30x2-dd', 'cosine', 15, knn(30, 15), maker);
    await putFuzzyGraph('30x2-dd', 'cosine', 15, fp, fuzzy(30), maker);
    await refGraph(user, knnGraphKey('30x2-dd', 'cosine', 15));
    await refGraph(user, fuzzyGraphKey('30x2-dd', 'cosine', 15, fp));
    await putKnnGraph('40x2-ee', 'euclidean', 15, knn(40, 15), other);

    await deleteJob(maker);
    // The user still stands on both graphs; they keep their maker's name as fromJob.
    expect((await getKnnGraph('30x2-dd', 'cosine', 15))?.fromJob).toBe(maker);
    expect(await getFuzzyGraph('30x2-dd', 'cosine', 15, fp)).toBeDefined();
    await deleteJob(user);
    expect(await getKnnGraph('30x2-dd', 'cosine', 15)).toBeUndefined();
    expect(await getFuzzyGraph('30x2-dd', 'cosine', 15, fp)).toBeUndefined();
    // Another job's graph is untouched.
    expect(await getKnnGraph('40x2-ee', 'euclidean', 15)).toBeDefined();
    await deleteJob(other);
    expect(await graphKeys()).toEqual([]);
  });

  it('the retention sweep removes references of jobs whose record is gone, then their graphs', async () => {
    const kept = await job('kept');
    await putKnnGraph('50x2-ff', 'euclidean', 15, knn(50, 15), kept);
    // A run that wrote its graph after its job had been deleted (cancelled while it ran).
    await putKnnGraph('60x2-gg', 'euclidean', 15, knn(60, 15), 'gone-job');
    await refGraph('gone-job', knnGraphKey('50x2-ff', 'euclidean', 15));
    await deleteUnusedGraphs();
    expect(await getKnnGraph('60x2-gg', 'euclidean', 15)).toBeUndefined();
    expect(await getKnnGraph('50x2-ff', 'euclidean', 15)).toBeDefined();
    expect(await graphKeys()).toEqual([knnGraphKey('50x2-ff', 'euclidean', 15), `gref:${kept}:${knnGraphKey('50x2-ff', 'euclidean', 15)}`]);
    await deleteJob(kept);
    expect(await graphKeys()).toEqual([]);
  });
});
