// A model job's run (src/jobs/job-run.ts with FitStart.map) in Node: rows that came with their map
// (a precomputed one) get only the kNN phase, and the model it keeps lets a transform job place new
// points into that map exactly as into a computed one, with the map itself left bit for bit as given.
import { describe, expect, it } from 'vitest';
import { ComputeCore } from '../src/engine/compute-core';
import { UmapEngine, type EngineCheckpoint } from '../src/engine/engine';
import { findAbParams } from '../src/engine/find-ab-params';
import { resolveParams } from '../src/engine/params';
import { gaussianMixture } from '../src/engine/synthetic';
import { buildFittedModel, recomputeKnnGraph, transform } from '../src/engine/transform';
import type { ProgressEvent, UmapParams } from '../src/engine/types';
import type { FitStart, JobOutcome, TransformOutcome } from '../src/jobs/job-protocol';
import { JobRun } from '../src/jobs/job-run';
import { bytes, cpuJobDeps, FakeStore } from './helpers/job-run-store';

const d = 8;
const n = 1200;
const m = 200;
const all = gaussianMixture({ n: n + m, d, seed: 5 }).data;
const rows = all.slice(0, n * d);
const newRows = all.slice(n * d);
// The "precomputed" map: any 2-D coordinates will do (here two mixed columns of the data, as a PCA
// elsewhere might give), since the job must keep them exactly as they are.
const given = Float32Array.from({ length: n * 2 }, (_, i) => rows[Math.floor(i / 2) * d + (i % 2)]! * 3 + rows[Math.floor(i / 2) * d + 2 + (i % 2)]!);
const partial: Partial<UmapParams> = { nComponents: 2, seed: 9, backend: 'cpu', knnChunkSize: 100, minDist: 0.1, spread: 1 };
const MODEL = 'model-1';

const deps = (store: FakeStore) => cpuJobDeps(store);

const persist = { jobId: MODEL, storeDataset: true, resumeFromStore: false };

function modelStart(options: FitStart['options'], map = given): FitStart {
  return { source: { data: rows.slice(), n, d }, params: partial, options, map: map.slice() };
}

/** The model job; the "page" then stores its result as the job's map (res:<id>), as job-table.ts does. */
async function modelInto(store: FakeStore, run = new JobRun(deps(store)), options: FitStart['options'] = { persist, threads: 2 }): Promise<Float32Array> {
  const out: JobOutcome = await run.start(modelStart(options), {});
  if (out.status !== 'done') throw new Error('the model job stopped');
  store.maps.set(MODEL, out.result.embedding.slice());
  return out.result.embedding;
}

describe('model job run (a precomputed map indexed for adding points)', () => {
  it('runs only the kNN phase, keeps the map as given and stores the model a transform reads', async () => {
    const store = new FakeStore(d);
    const phases = new Set<string>();
    const run = new JobRun(deps(store));
    const out = await run.start(modelStart({ persist }), { onProgress: (e: ProgressEvent) => void phases.add(e.phase) });
    expect(out.status).toBe('done');
    if (out.status !== 'done') return;
    expect(bytes(out.result.embedding).equals(bytes(given))).toBe(true);
    expect([...phases]).toEqual(['knn']);
    expect(out.result.timings.layout).toBe(0);
    expect(out.result.log.some((l) => l.startsWith('Map: the given 2-D coordinates of 1200 points'))).toBe(true);
    const saved = store.models.get(MODEL)!;
    const { a, b } = findAbParams(1, 0.1);
    expect(saved.rec).toMatchObject({ jobId: MODEL, n, d, nComponents: 2, hasKnn: true, a, b });
    expect(store.datasets.has(saved.rec.datasetKey)).toBe(true);
    // The graph a fit of the same rows and parameters computes.
    const want = await recomputeKnnGraph(new ComputeCore(rows, n, d, 'euclidean'), resolveParams(partial, n));
    expect(bytes(saved.knn!.indices).equals(bytes(want.indices))).toBe(true);
  });

  it('lets a transform place new points as the engine does into that map, which stays bit for bit as given', async () => {
    const store = new FakeStore(d);
    await modelInto(store);
    const before = store.maps.get(MODEL)!.slice();
    const out: TransformOutcome = await new JobRun(deps(store)).start({ kind: 'transform', parent: MODEL, source: { data: newRows.slice(), n: m, d }, options: {} }, {});
    if (out.status !== 'done') throw new Error('the transform stopped');
    const knn = store.models.get(MODEL)!.knn!;
    const want = transform(buildFittedModel({ data: rows, n, d, params: resolveParams(partial, n), embedding: given, knn }), { data: newRows.slice(), n: m, d });
    expect(out.result.m).toBe(m);
    expect(bytes(out.result.embedding).equals(bytes((await want).embedding))).toBe(true);
    expect(bytes(store.maps.get(MODEL)!).equals(bytes(before))).toBe(true);
    expect(bytes(before).equals(bytes(given))).toBe(true);
    // New points land among the map's points, not at some default place.
    for (let i = 0; i < m * 2; i++) expect(Number.isFinite(out.result.embedding[i]!)).toBe(true);
  });

  it('paused at a kNN chunk, resumes from its checkpoint (given the map again) to the same model', async () => {
    const whole = new FakeStore(d);
    await modelInto(whole);
    const store = new FakeStore(d);
    const run = new JobRun(deps(store));
    const stopped = await run.start(modelStart({ persist, faults: { holdAt: { phase: 'knn', done: 300 } } }), {
      onProgress: (e: ProgressEvent) => {
        if (e.phase === 'knn' && e.done >= 300) {
          run.stop();
          run.release();
        }
      },
    });
    expect(stopped.status).toBe('stopped');
    const cp = (stopped as { checkpoint: EngineCheckpoint }).checkpoint;
    expect(cp.phase).toBe('knn');
    const emb = await modelInto(store, new JobRun(deps(store)), { persist: { ...persist, storeDataset: false }, checkpoint: structuredClone(cp) });
    expect(bytes(emb).equals(bytes(given))).toBe(true);
    expect(bytes(store.models.get(MODEL)!.knn!.indices).equals(bytes(whole.models.get(MODEL)!.knn!.indices))).toBe(true);
  });

  it('starts from a stored kNN graph of the same rows and goes straight to the given map', async () => {
    const knn = await recomputeKnnGraph(new ComputeCore(rows, n, d, 'euclidean'), resolveParams(partial, n));
    const engine = new UmapEngine({ data: rows, n, d }, resolveParams(partial, n), {}, { start: { knn }, given });
    expect(await engine.run()).toBe('done');
    expect(bytes(engine.result().embedding).equals(bytes(given))).toBe(true);
    expect(engine.checkpoint().knn).toBe(knn);
  });

  it('refuses a map whose size does not match the rows, saying so', async () => {
    const run = new JobRun(deps(new FakeStore(d)));
    await expect(run.start(modelStart({}, given.subarray(0, 10)), {})).rejects.toThrow('The given map has 10 coordinates, but 1200 points × 2 = 2400 were expected.');
  });
});
