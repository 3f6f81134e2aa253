// A transform job's run (src/jobs/job-run.ts → job-run-transform.ts) in Node: the fit job stores its
// model in a fake model storage, and the transform reads it back, over an in-process pool or a split
// one whose "Workers" each hold their own copy of the model, as the job's compute Workers do.
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../src/engine/params';
import { gaussianMixture } from '../src/engine/synthetic';
import { buildFittedModel, SplitTransformPool, TransformCore, transform, type FittedModel, type TransformCheckpoint, type TransformWorker } from '../src/engine/transform';
import type { ProgressEvent, UmapParams } from '../src/engine/types';
import type { CheckpointMeta } from '../src/jobs/checkpoint-store';
import type { JobCallbacks, TransformJobResult, TransformOutcome, TransformStart } from '../src/jobs/job-protocol';
import { JobRun, type JobRunDeps } from '../src/jobs/job-run';
import { bytes, cpuJobDeps, FakeStore } from './helpers/job-run-store';

const d = 8;
const fitN = 1200;
const m = 300;
const all = gaussianMixture({ n: fitN + m, d, seed: 11 }).data;
const fitRows = all.slice(0, fitN * d);
const newRows = all.slice(fitN * d);
const partial: Partial<UmapParams> = { nEpochs: 30, seed: 3, backend: 'cpu', knnChunkSize: 100 };
const FIT = 'fit-1';
const TJOB = 'transform-1';

/** One "Worker" of a split pool: its own copy of the model and rows, and copies of everything it is sent. */
function inProcessWorker(model: FittedModel, data: Float32Array, n: number, keys: Uint32Array): TransformWorker {
  const core = new TransformCore(structuredClone(model), data.slice(), n, keys.slice());
  return {
    transformKnn: async (start, end, k, mode, eps, seed) => structuredClone(core.knn(start, end, k, mode, eps, seed)),
    setTransformLayout: async (indices, weights, k, c) => core.setLayout(indices.slice(), weights.slice(), k, c),
    transformEpochs: async (part, start, end, from, to) => {
      const p = part.slice();
      core.epochs(p, start, end, from, to);
      return p;
    },
  };
}

function deps(store: FakeStore, pools: number[] = []): JobRunDeps {
  return cpuJobDeps(store, {
    async createTransformPool(size, rows, model, keys) {
      pools.push(size);
      const workers = Array.from({ length: size }, () => inProcessWorker(model, rows.data, rows.n, keys));
      return Object.assign(new SplitTransformPool(workers, rows.n), { terminate: () => {} });
    },
  });
}

/** The fit job, persisted: it stores its rows and its model; the "page" stores its map. */
async function fitInto(store: FakeStore): Promise<Float32Array> {
  const out = await new JobRun(deps(store)).start(
    { source: { data: fitRows.slice(), n: fitN, d }, params: partial, options: { persist: { jobId: FIT, storeDataset: true, resumeFromStore: false } } },
    {},
  );
  if (out.status !== 'done') throw new Error('the fit stopped');
  store.maps.set(FIT, out.result.embedding.slice());
  return out.result.embedding;
}

function startTransform(
  run: JobRun,
  options: TransformStart['options'],
  rows = newRows,
  onProgress?: (e: ProgressEvent) => void,
): { outcome: Promise<TransformOutcome>; resumed: (CheckpointMeta | null)[] } {
  const resumed: (CheckpointMeta | null)[] = [];
  const cb: JobCallbacks<ProgressEvent> = { onProgress, onResumed: (from) => void resumed.push(from) };
  return { outcome: run.start({ kind: 'transform', parent: FIT, source: { data: rows.slice(), n: rows.length / d, d }, options }, cb), resumed };
}

async function done(o: Promise<TransformOutcome>): Promise<TransformJobResult> {
  const out = await o;
  if (out.status !== 'done') throw new Error('the transform stopped');
  return out.result;
}

/** The same placement straight on the engine, from the fit's own pieces. */
async function reference(fitted: Float32Array, store: FakeStore) {
  const knn = store.models.get(FIT)!.knn!;
  const model = buildFittedModel({ data: fitRows, n: fitN, d, params: resolveParams(partial, fitN), embedding: fitted, knn });
  return transform(model, { data: newRows.slice(), n: m, d });
}

describe('transform job run', () => {
  it('keeps the fit’s model, places the batch as the engine does, and never touches the fitted map', async () => {
    const store = new FakeStore(d);
    const fitted = await fitInto(store);
    const saved = store.models.get(FIT)!;
    expect(saved.rec).toMatchObject({ jobId: FIT, n: fitN, d, hasKnn: true, nComponents: 2 });
    expect(store.datasets.has(saved.rec.datasetKey)).toBe(true);
    expect(saved.knn!.n).toBe(fitN);
    const before = store.maps.get(FIT)!.slice();
    const r = await done(startTransform(new JobRun(deps(store)), {}).outcome);
    const want = await reference(fitted, store);
    expect(r.parent).toBe(FIT);
    expect([r.m, r.nComponents, r.k]).toEqual([m, 2, 15]);
    expect(bytes(r.embedding).equals(bytes(want.embedding))).toBe(true);
    expect(bytes(r.indices).equals(bytes(want.indices))).toBe(true);
    expect(bytes(store.maps.get(FIT)!).equals(bytes(before))).toBe(true);
    expect(r.meanNearestDistance).toBeGreaterThan(0);
    expect(r.fittedMeanKnnDistance).toBeGreaterThan(0);
    expect(r.timings.knn + r.timings.layout).toBeGreaterThan(0);
  });

  it('recomputes the fitted kNN graph when the model has none stored, with the same result', async () => {
    const store = new FakeStore(d);
    const fitted = await fitInto(store);
    const want = await reference(fitted, store);
    store.models.get(FIT)!.knn = null;
    store.models.get(FIT)!.rec.hasKnn = false;
    const r = await done(startTransform(new JobRun(deps(store)), {}).outcome);
    expect(bytes(r.embedding).equals(bytes(want.embedding))).toBe(true);
  });

  it('gives the same bits over 1, 2 and 3 pool Workers as in the job Worker itself', async () => {
    const store = new FakeStore(d);
    const fitted = await fitInto(store);
    const want = await reference(fitted, store);
    const pools: number[] = [];
    for (const threads of [1, 2, 3]) {
      const r = await done(startTransform(new JobRun(deps(store, pools)), { threads }).outcome);
      expect(bytes(r.embedding).equals(bytes(want.embedding))).toBe(true);
      expect(bytes(r.distances).equals(bytes(want.distances))).toBe(true);
    }
    expect(pools).toEqual([1, 2, 3]);
  });

  it('paused at a kNN chunk or in the layout, resumes from its checkpoint to the identical result', async () => {
    const store = new FakeStore(d);
    const want = await reference(await fitInto(store), store);
    for (const at of [
      { phase: 'knn', done: 150 },
      { phase: 'layout', done: 5 },
    ] as const) {
      const run = new JobRun(deps(store));
      // Held at the boundary (after its progress is sent), stopped, then let go: it stops right there.
      const stopped = await startTransform(run, { threads: 2, faults: { holdAt: at } }, newRows, (e) => {
        if (e.phase === at.phase && e.done >= at.done) {
          run.stop();
          run.release();
        }
      }).outcome;
      expect(stopped.status).toBe('stopped');
      const cp = (stopped as { checkpoint: TransformCheckpoint }).checkpoint;
      expect(cp.phase).toBe(at.phase === 'knn' ? 'knn' : 'layout');
      const r = await done(startTransform(new JobRun(deps(store)), { checkpoint: structuredClone(cp) }).outcome);
      expect(bytes(r.embedding).equals(bytes(want.embedding))).toBe(true);
    }
  });

  it('after a reload, resumes from the stored checkpoint, losing no finished chunk', async () => {
    const store = new FakeStore(d);
    const want = await reference(await fitInto(store), store);
    const persist = { jobId: TJOB, storeDataset: true, resumeFromStore: false };
    // The first run is cut off (as a reload would) right after its second kNN chunk was checkpointed.
    const run = new JobRun(deps(store));
    let last: ProgressEvent | null = null;
    const first = await startTransform(run, { persist, faults: { holdAt: { phase: 'knn', done: 200 } } }, newRows, (e) => {
      last = e;
      if (e.phase === 'knn' && e.done >= 200) {
        run.stop();
        run.release();
      }
    }).outcome;
    expect(first.status).toBe('stopped');
    const saved = store.checkpoints.get(TJOB)!;
    expect(saved.cp.knnDone).toBe(last!.done);
    const again = startTransform(new JobRun(deps(store)), { persist: { ...persist, storeDataset: false, resumeFromStore: true } });
    const r = await done(again.outcome);
    expect(again.resumed[0]?.progress).toMatchObject({ phase: 'knn', done: saved.cp.knnDone });
    expect(bytes(r.embedding).equals(bytes(want.embedding))).toBe(true);
  });

  it('refuses a batch of another dimension, an empty batch and a map without a stored model, saying which', async () => {
    const store = new FakeStore(d);
    await fitInto(store);
    const run = new JobRun(deps(store));
    await expect(run.start({ kind: 'transform', parent: FIT, source: { data: new Float32Array(5 * 6), n: 5, d: 6 }, options: {} }, {})).rejects.toThrow(
      'The new points have 6 dimensions; the map was fitted on 8.',
    );
    await expect(run.start({ kind: 'transform', parent: FIT, source: { data: new Float32Array(0), n: 0, d }, options: {} }, {})).rejects.toThrow('The file has no rows to add.');
    await expect(run.start({ kind: 'transform', parent: 'nope', source: { data: newRows.slice(), n: m, d }, options: {} }, {})).rejects.toThrow(/no stored model/);
  });
});
