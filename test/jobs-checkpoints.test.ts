// The job store's atomicity and verification rules, on fake-indexeddb in Node (the e2e specs run the
// same code on Chromium's real IndexedDB).
import 'fake-indexeddb/auto';
import { createStore, del, get, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { EngineCheckpoint } from '../src/engine/engine';
import { DEFAULT_PARAMS } from '../src/engine/params';
import { deleteJob, loadCheckpoint, putCheckpoint, putDataset, putJob, readDataset, type JobRecord } from '../src/jobs/job-store';

const raw = createStore('mapstream-jobs', 'kv');

function checkpoint(epoch: number): EngineCheckpoint {
  return {
    version: 1,
    n: 4,
    d: 2,
    params: DEFAULT_PARAMS,
    phase: 'layout',
    timings: { knn: 1, graph: 0.1, init: 0.1, layout: epoch / 10 },
    log: ['x'],
    knnState: null,
    knn: null,
    graphRowsDone: 4,
    rhos: null,
    sigmas: null,
    graph: null,
    embedding: Float32Array.from({ length: 8 }, (_, i) => i + epoch),
    epoch,
  };
}

function record(id: string, datasetKey: string | null): JobRecord {
  return {
    id,
    name: id,
    n: 4,
    d: 2,
    params: {},
    priority: 'normal',
    order: 1,
    state: 'running',
    createdAt: 0,
    startedAt: 0,
    finishedAt: null,
    elapsedS: 0,
    progress: null,
    datasetKey,
    categories: null,
    error: null,
  };
}

describe('checkpoints', () => {
  it('load gives the newest; only the newest two are kept', async () => {
    for (let s = 1; s <= 3; s++) await putCheckpoint('a', s, checkpoint(s * 10), { phase: 'layout', done: s * 10, total: 100, unit: 'epochs' }).saved;
    const got = await loadCheckpoint('a');
    expect(got?.fellBack).toBe(false);
    expect(got?.checkpoint.epoch).toBe(30);
    expect(Array.from(got!.checkpoint.embedding!)).toEqual(Array.from(checkpoint(30).embedding!));
    expect(got?.meta.progress?.done).toBe(30);
    const cpKeys = (await keys(raw)).map(String).filter((k) => k.startsWith('cp:a:'));
    expect(cpKeys.length).toBe(2);
  });

  it('a newest checkpoint that does not verify (torn, changed or missing) falls back to the one before', async () => {
    await putCheckpoint('b', 1, checkpoint(10), null).saved;
    const meta = await putCheckpoint('b', 2, checkpoint(20), null).saved;
    const torn = checkpoint(20);
    torn.embedding = torn.embedding!.subarray(0, 5);
    await set(meta.key, torn, raw);
    const got = await loadCheckpoint('b');
    expect(got?.fellBack).toBe(true);
    expect(got?.checkpoint.epoch).toBe(10);

    const changed = checkpoint(20);
    changed.embedding![3] = 99;
    await set(meta.key, changed, raw);
    expect((await loadCheckpoint('b'))?.checkpoint.epoch).toBe(10);

    await del(meta.key, raw);
    expect((await loadCheckpoint('b'))?.checkpoint.epoch).toBe(10);
  });

  it('no verifiable checkpoint: null (the job restarts from its data)', async () => {
    expect(await loadCheckpoint('none')).toBeNull();
    const m = await putCheckpoint('c', 1, checkpoint(10), null).saved;
    await set(m.key, { garbage: true }, raw);
    expect(await loadCheckpoint('c')).toBeNull();
  });

  it('the stored value is a snapshot: changing the live state once it is queued does not change it', async () => {
    const live = checkpoint(10);
    const w = putCheckpoint('d', 1, live, null);
    await w.queued;
    live.embedding![0] = -1;
    live.epoch = 11;
    await w.saved;
    const got = await loadCheckpoint('d');
    expect(got?.checkpoint.epoch).toBe(10);
    expect(got?.checkpoint.embedding![0]).toBe(10);
  });
});

describe('datasets', () => {
  it('stored in 1000-row chunks and read back exactly', async () => {
    const n = 2500;
    const d = 3;
    const data = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i));
    await putDataset('k1', data, n, d);
    const chunkKeys = (await keys(raw)).map(String).filter((k) => k.startsWith('ds:k1:'));
    expect(chunkKeys.length).toBe(3);
    expect((await get<Float32Array>('ds:k1:2', raw))!.length).toBe(500 * d);
    const back = await readDataset('k1');
    expect(back.n).toBe(n);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('a damaged or missing dataset is reported with what to do', async () => {
    await putDataset('k2', new Float32Array(1200 * 2), 1200, 2);
    await set('ds:k2:1', new Float32Array(3), raw);
    await expect(readDataset('k2')).rejects.toThrow(/damaged \(chunk 2 of 2\); load the file again/);
    await expect(readDataset('nope')).rejects.toThrow(/missing; load the file again/);
  });

  it('shared by jobs on the same data: deleted with the last job that uses it', async () => {
    await putDataset('k3', new Float32Array(8), 4, 2);
    await putJob(record('j1', 'k3'));
    await putJob(record('j2', 'k3'));
    await deleteJob('j1');
    expect(await get('ds:k3', raw)).toBeDefined();
    await deleteJob('j2');
    expect(await get('ds:k3', raw)).toBeUndefined();
    expect((await keys(raw)).map(String).filter((k) => k.startsWith('ds:k3'))).toEqual([]);
  });
});
