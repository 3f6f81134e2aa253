// The job store's atomicity and verification rules, on fake-indexeddb in Node (the e2e specs run the
// same code on Chromium's real IndexedDB).
import 'fake-indexeddb/auto';
import { createStore, del, get, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { EngineCheckpoint, EngineDelta } from '../src/engine/engine';
import { DEFAULT_PARAMS } from '../src/engine/params';
import { checkpointMeta, loadCheckpoint, putCheckpoint, putCheckpointDelta, putLayoutState } from '../src/jobs/checkpoint-store';
import { deleteJob, putDataset, putJob, readDataset, type JobRecord } from '../src/jobs/job-store';

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

  it('after falling back, the next base keeps the one resumed from as its fallback', async () => {
    await putCheckpoint('b2', 1, checkpoint(10), null).saved;
    const bad = await putCheckpoint('b2', 2, checkpoint(20), null).saved;
    await set(bad.key, { garbage: true }, raw);
    expect((await loadCheckpoint('b2'))?.checkpoint.epoch).toBe(10);
    // The resumed run writes its next base; that one is damaged too: the run resumed from is still there.
    const next = await putCheckpoint('b2', 3, checkpoint(30), null).saved;
    await set(next.key, { garbage: true }, raw);
    expect((await loadCheckpoint('b2'))?.checkpoint.epoch).toBe(10);
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
    expect(got!.checkpoint.embedding![0]).toBe(10);
  });
});

describe('delta checkpoints', () => {
  /** What loadCheckpoint gives back: how many deltas, the progress they reach, and whether it fell back. */
  async function expectLoaded(id: string, want: { deltas: number; done: number; fellBack: boolean }) {
    const got = await loadCheckpoint(id);
    expect({ deltas: got?.deltas.length, done: got?.meta.progress?.done, fellBack: got?.fellBack }).toEqual(want);
  }
  const progress = (done: number) => ({ phase: 'knn' as const, done, total: 100, unit: 'steps' as const });
  function knnDelta(i: number): EngineDelta {
    const step = { kind: 'exact' as const, chunks: 1, start: i * 2, indices: Int32Array.from([i, i + 1]), distances: Float32Array.from([i, i]) };
    return { version: 1, phase: 'knn', step: { kind: 'knn', step }, timings: { knn: i, graph: 0, init: 0, layout: 0 }, log: [`step ${i}`] };
  }
  function layoutDelta(epoch: number): EngineDelta {
    return { version: 1, phase: 'layout', step: { kind: 'layout', epoch, embedding: new Float32Array(8).fill(epoch) }, timings: { knn: 1, graph: 0, init: 0, layout: epoch }, log: [] };
  }

  it("a base with its deltas loads in order, with the newest delta's progress", async () => {
    const base = await putCheckpoint('e', 1, checkpoint(0), progress(0)).saved;
    for (let i = 0; i < 3; i++) await putCheckpointDelta('e', base, i, knnDelta(i), progress(i + 1)).saved;
    const got = await loadCheckpoint('e');
    expect(got?.fellBack).toBe(false);
    expect(got?.deltas.map((x) => x.log[0])).toEqual(['step 0', 'step 1', 'step 2']);
    expect(got?.meta.progress?.done).toBe(3);
    expect((await checkpointMeta('e'))?.progress?.done).toBe(3);
  });

  it('a damaged delta keeps the ones before it; the work after it is what is lost', async () => {
    const base = await putCheckpoint('f', 1, checkpoint(0), progress(0)).saved;
    for (let i = 0; i < 4; i++) await putCheckpointDelta('f', base, i, knnDelta(i), progress(i + 1)).saved;
    const key = (await keys(raw)).map(String).find((k) => k.startsWith(`${base.key}:d:`) && k.endsWith('00000002'))!;
    const env = (await get<{ delta: EngineDelta }>(key, raw))!;
    (env.delta.step as { step: { indices: Int32Array } }).step.indices[0] = 77;
    await set(key, env, raw);
    await expectLoaded('f', { deltas: 2, done: 2, fellBack: true });
  });

  it('the layout slot holds the newest layout state and applies after the whole chain', async () => {
    const base = await putCheckpoint('g', 1, checkpoint(0), null).saved;
    await putCheckpointDelta('g', base, 0, knnDelta(0), null).saved;
    for (let i = 0; i < 3; i++) await putLayoutState('g', base, layoutDelta((i + 1) * 5), progress(50 + i)).saved;
    const stored = (await keys(raw)).map(String).filter((k) => k.startsWith(`${base.key}:`));
    expect(stored.length).toBe(2); // one chained delta, one layout slot
    const got = await loadCheckpoint('g');
    expect(got?.deltas.length).toBe(2);
    expect(got?.fellBack).toBe(false);
    expect((got!.deltas[1]!.step as { epoch: number }).epoch).toBe(15);
    expect(got?.meta.progress?.done).toBe(52);
  });

  it('a layout state is not applied over an incomplete chain', async () => {
    const base = await putCheckpoint('g2', 1, checkpoint(0), null).saved;
    for (let i = 0; i < 2; i++) await putCheckpointDelta('g2', base, i, knnDelta(i), progress(i + 1)).saved;
    await putLayoutState('g2', base, layoutDelta(5), progress(60)).saved;
    await del(`${base.key}:d:00000001`, raw);
    await expectLoaded('g2', { deltas: 1, done: 1, fellBack: true });
  });

  it('a delta for a base that is no longer current is refused and changes nothing', async () => {
    const old = await putCheckpoint('h', 1, checkpoint(0), null).saved;
    await putCheckpoint('h', 2, checkpoint(10), null).saved;
    await expect(putCheckpointDelta('h', old, 0, knnDelta(0), null).saved).rejects.toThrow(/no longer the current/);
    expect((await keys(raw)).map(String).filter((k) => k.startsWith(`${old.key}:d:`))).toEqual([]);
    expect((await loadCheckpoint('h'))?.checkpoint.epoch).toBe(10);
  });

  it('a pointer written before deltas existed still loads its checkpoint', async () => {
    const meta = await putCheckpoint('legacy', 1, checkpoint(10), null).saved;
    await set('cpptr:legacy', { current: meta, previous: null }, raw);
    const got = await loadCheckpoint('legacy');
    expect(got?.checkpoint.epoch).toBe(10);
    expect(got?.deltas).toEqual([]);
    await putCheckpoint('legacy', 2, checkpoint(20), null).saved;
    expect((await loadCheckpoint('legacy'))?.checkpoint.epoch).toBe(20);
  });

  it('a new base drops the base two generations back together with its deltas', async () => {
    const b1 = await putCheckpoint('i', 1, checkpoint(0), null).saved;
    await putCheckpointDelta('i', b1, 0, knnDelta(0), null).saved;
    await putCheckpoint('i', 2, checkpoint(10), null).saved;
    await putCheckpoint('i', 3, checkpoint(20), null).saved;
    expect((await keys(raw)).map(String).filter((k) => k.startsWith('cp:i:')).length).toBe(2);
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

  it("a job's reference keeps shared rows alive before its record names them", async () => {
    await putDataset('k4', new Float32Array(8), 4, 2, 'jA');
    await putDataset('k4', new Float32Array(8), 4, 2, 'jB'); // rows already there: only the reference
    await putJob(record('jA', 'k4'));
    await deleteJob('jA');
    expect(await get('ds:k4', raw)).toBeDefined();
    await deleteJob('jB'); // no record at all, only its reference
    const left = (await keys(raw)).map(String).filter((k) => k.includes('k4'));
    expect(left).toEqual([]);
  });

  it('chunks of an interrupted write (no manifest) go with the job that wrote them', async () => {
    await set('dsref:k5:jC', 1, raw);
    await set('ds:k5:0', new Float32Array(4), raw);
    await deleteJob('jC');
    expect((await keys(raw)).map(String).filter((k) => k.includes('k5'))).toEqual([]);
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
