import { beforeAll, describe, expect, it } from 'vitest';
import {
  EngineInputError,
  TransformEngine,
  UmapEngine,
  buildFittedModel,
  fittedModelOf,
  knnKeeper,
  resolveParams,
  transform,
  type FittedModel,
  type Matrix,
  type ProgressEvent,
  type TransformCheckpoint,
  type TransformOptions,
} from '../src/engine';
import { ComputeCore, LocalPool } from '../src/engine/compute-core';
import { finishKnn, planKnn, runKnn } from '../src/engine/knn-phase';
import { gaussianMixture } from '../src/engine/synthetic';
import { trustworthiness } from '../bench/quality';
import { FittedSearch, pointKeys, queryRows } from '../src/engine/transform-knn';
import { loadDigits } from './fixtures/digits';
import { bruteKnn } from './helpers/map-metrics';

function overlap(a: Int32Array, b: Int32Array, m: number, k: number, kb = k): number {
  let hit = 0;
  for (let i = 0; i < m; i++) {
    const s = new Set(a.subarray(i * k, i * k + k));
    for (let t = 0; t < kb; t++) if (s.has(b[i * kb + t]!)) hit++;
  }
  return hit / (m * kb);
}

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const rowsOf = (data: Float32Array, d: number, idx: number[]): Float32Array => {
  const out = new Float32Array(idx.length * d);
  for (const [r, i] of idx.entries()) out.set(data.subarray(i * d, i * d + d), r * d);
  return out;
};

const digits = loadDigits();
const N_FIT = 1500;
const D = 64;
const M = digits.n - N_FIT;
const fitRows = digits.data.slice(0, N_FIT * D);
const newRows = digits.data.slice(N_FIT * D);
const newPoints: Matrix = { data: newRows, n: M, d: D };

let engine: UmapEngine;
let model: FittedModel;
let keptKnn: NonNullable<ReturnType<typeof knnKeeper>['knn']>;

beforeAll(async () => {
  const keeper = knnKeeper();
  engine = new UmapEngine({ data: fitRows, n: N_FIT, d: D }, resolveParams({}, N_FIT), { onBoundary: keeper.onBoundary });
  await engine.run();
  keptKnn = keeper.knn!;
  model = await fittedModelOf(engine, keptKnn);
}, 60_000);

describe('transform on digits (fit 1,500 rows, place the other 297)', () => {
  it('never moves the fitted map, reports every phase, and places new points near their kind', async () => {
    const before = model.embedding.slice();
    const fitBefore = engine.result().embedding.slice();
    const events: ProgressEvent[] = [];
    const t0 = performance.now();
    const r = await transform(model, newPoints, {}, { onProgress: (e) => events.push(e) });
    const seconds = (performance.now() - t0) / 1000;
    expect(bytes(model.embedding).equals(bytes(before))).toBe(true);
    expect(bytes(engine.result().embedding).equals(bytes(fitBefore))).toBe(true);
    expect(r.embedding.length).toBe(M * 2);
    expect(r.embedding.every(Number.isFinite)).toBe(true);
    expect(r.log.join('\n')).toMatch(/exact search/);
    for (const [phase, unit] of [
      ['knn', 'points'],
      ['graph', 'points'],
      ['init', 'steps'],
      ['layout', 'epochs'],
    ] as const) {
      const last = events.filter((e) => e.phase === phase).at(-1)!;
      expect(last.unit).toBe(unit);
      expect(last.done).toBe(last.total);
    }
    expect(events.filter((e) => e.phase === 'layout').at(-1)!.total).toBe(500); // as many as the fit (500 for a small map); umap-learn runs 100

    const nearX = bruteKnn(newRows, M, fitRows, N_FIT, D, 15);
    const nearE = bruteKnn(r.embedding, M, model.embedding, N_FIT, 2, 15);
    const recall = overlap(nearX, nearE, M, 15);
    let correct = 0;
    for (let i = 0; i < M; i++) {
      const votes = new Int32Array(10);
      for (let t = 0; t < 10; t++) votes[digits.labels[nearE[i * 15 + t]!]!]!++;
      let best = 0;
      for (let l = 1; l < 10; l++) if (votes[l]! > votes[best]!) best = l;
      if (best === digits.labels[N_FIT + i]) correct++;
    }
    const accuracy = correct / M;
    const trust = trustworthiness(newPoints, { data: r.embedding, n: M, d: 2 }, 15);
    console.log(`digits transform: recall@15 ${recall.toFixed(3)}, 10-NN accuracy ${accuracy.toFixed(3)}, trustworthiness@15 ${trust.toFixed(3)}, ${seconds.toFixed(2)} s`);
    // umap-learn 0.5.3 on this split (scripts/umap_learn_transform_ref.py, 5 seeds): 0.495, 0.933, 0.953.
    expect(accuracy).toBeGreaterThanOrEqual(0.91);
    expect(recall).toBeGreaterThanOrEqual(0.45);
    expect(trust).toBeGreaterThanOrEqual(0.92);
  });

  it('recomputes the kNN graph the fit used when it was not kept', async () => {
    const again = await fittedModelOf(engine);
    expect(bytes(again.knnIndices).equals(bytes(keptKnn.indices))).toBe(true);
    expect(bytes(again.knnDistances).equals(bytes(keptKnn.distances))).toBe(true);
    expect(bytes(again.search.graph.cols).equals(bytes(model.search.graph.cols))).toBe(true);
  });

  it('is a plain structured-cloneable object', async () => {
    const copy = structuredClone(model);
    const a = await transform(model, { data: newRows.slice(0, 20 * D), n: 20, d: D });
    const b = await transform(copy, { data: newRows.slice(0, 20 * D), n: 20, d: D });
    expect(bytes(a.embedding).equals(bytes(b.embedding))).toBe(true);
  });

  for (const [name, options] of [
    ['exact search', {}],
    ['graph search', { exactMaxN: 100 }],
  ] as [string, TransformOptions][]) {
    it(`places a point alone where it lands in a batch (${name})`, async () => {
      const batch = await transform(model, newPoints, { ...options, chunkSize: 64 });
      expect(batch.log.join('\n')).toMatch(name === 'exact search' ? /exact search/ : /graph search/);
      for (const i of [0, 1, 63, 64, 150, 296]) {
        const alone = await transform(model, { data: newRows.slice(i * D, i * D + D), n: 1, d: D }, options);
        expect(Array.from(alone.embedding)).toEqual(Array.from(batch.embedding.subarray(i * 2, i * 2 + 2)));
        expect(Array.from(alone.indices)).toEqual(Array.from(batch.indices.subarray(i * 15, i * 15 + 15)));
      }
      // Any other batch, in any order, with any chunking.
      const pick = [296, 5, 150, 0, 77, 1];
      const other = await transform(model, { data: rowsOf(newRows, D, pick), n: pick.length, d: D }, { ...options, chunkSize: 4 });
      for (const [r, i] of pick.entries()) expect(Array.from(other.embedding.subarray(r * 2, r * 2 + 2))).toEqual(Array.from(batch.embedding.subarray(i * 2, i * 2 + 2)));
    });
  }

  it('gives the same result for a seed, and another for another seed', async () => {
    const a = await transform(model, newPoints, { exactMaxN: 100 });
    const b = await transform(model, newPoints, { exactMaxN: 100 });
    const c = await transform(model, newPoints, { exactMaxN: 100, seed: 7 });
    expect(bytes(a.embedding).equals(bytes(b.embedding))).toBe(true);
    expect(bytes(a.embedding).equals(bytes(c.embedding))).toBe(false);
  });

  it('keys draws by caller-given ids when there are ids, else by the row', async () => {
    const twice = new Float32Array(2 * D);
    twice.set(newRows.subarray(0, D), 0);
    twice.set(newRows.subarray(0, D), D);
    const byRow = await transform(model, { data: twice, n: 2, d: D });
    expect(Array.from(byRow.embedding.subarray(0, 2))).toEqual(Array.from(byRow.embedding.subarray(2, 4)));
    const byId = await transform(model, { data: twice, n: 2, d: D }, { ids: [10, 11] });
    expect(Array.from(byId.embedding.subarray(0, 2))).not.toEqual(Array.from(byId.embedding.subarray(2, 4)));
    const alone = await transform(model, { data: twice.slice(D), n: 1, d: D }, { ids: [11] });
    expect(Array.from(alone.embedding)).toEqual(Array.from(byId.embedding.subarray(2, 4)));
  });

  it('refuses new points it cannot place, and a checkpoint of other points', () => {
    expect(() => new TransformEngine(model, { data: new Float32Array(10 * 3), n: 10, d: 3 })).toThrow(EngineInputError);
    const bad = newRows.slice(0, 2 * D);
    bad[D + 5] = NaN;
    expect(() => new TransformEngine(model, { data: bad, n: 2, d: D })).toThrow(/New point 2 .*column 6/);
    const cp = new TransformEngine(model, { data: newRows.slice(0, 3 * D), n: 3, d: D }).checkpoint();
    expect(() => new TransformEngine(model, { data: newRows.slice(0, 4 * D), n: 4, d: D }, {}, {}, { checkpoint: cp })).toThrow(/does not belong/);
  });
});

describe('resuming a transform', () => {
  const m = 120;
  const points: Matrix = { data: newRows.slice(0, m * D), n: m, d: D };
  for (const [name, options] of [
    // 100 epochs (20 layout boundaries) rather than the fit's 500: every boundary is tried, twice over.
    ['exact search', { chunkSize: 25, nEpochs: 100 }],
    ['graph search', { chunkSize: 25, exactMaxN: 100, nEpochs: 100 }],
  ] as [string, TransformOptions][]) {
    it(`stopped at any boundary, resumes to the identical result (${name})`, async () => {
      const want = await transform(model, points, options);
      const stoppedIn = new Set<string>();
      for (let stops = 1; ; stops++) {
        let steps = 0;
        const first = new TransformEngine(model, points, options);
        const status = await first.run({ shouldStop: () => ++steps > stops });
        if (status === 'done') break;
        stoppedIn.add(first.phase);
        // As IndexedDB would store it: a structured clone, resumed by a new engine.
        const saved: TransformCheckpoint = structuredClone(first.checkpoint());
        const second = new TransformEngine(model, points, options, {}, { checkpoint: saved });
        expect(await second.run()).toBe('done');
        const got = second.result();
        expect(bytes(got.embedding).equals(bytes(want.embedding))).toBe(true);
        expect(bytes(got.indices).equals(bytes(want.indices))).toBe(true);
      }
      expect([...stoppedIn].sort()).toEqual(['graph', 'init', 'knn', 'layout']);
    });
  }
});

describe('3 components and the cosine metric', () => {
  it('places new points in a 3-D cosine map, by exact and graph search', async () => {
    const e = new UmapEngine({ data: fitRows, n: N_FIT, d: D }, resolveParams({ nComponents: 3, metric: 'cosine', nEpochs: 150 }, N_FIT));
    await e.run();
    const m3 = await fittedModelOf(e);
    const before = m3.embedding.slice();
    const exact = await transform(m3, newPoints);
    const graph = await transform(m3, newPoints, { exactMaxN: 100 });
    expect(bytes(m3.embedding).equals(bytes(before))).toBe(true);
    expect(exact.embedding.length).toBe(M * 3);
    expect(exact.embedding.every(Number.isFinite) && graph.embedding.every(Number.isFinite)).toBe(true);
    expect(overlap(exact.indices, graph.indices, M, 15)).toBeGreaterThanOrEqual(0.95);
    const nearE = bruteKnn(exact.embedding, M, m3.embedding, N_FIT, 3, 10);
    let correct = 0;
    for (let i = 0; i < M; i++) {
      const votes = new Int32Array(10);
      for (let t = 0; t < 10; t++) votes[digits.labels[nearE[i * 10 + t]!]!]!++;
      let best = 0;
      for (let l = 1; l < 10; l++) if (votes[l]! > votes[best]!) best = l;
      if (best === digits.labels[N_FIT + i]) correct++;
    }
    expect(correct / M).toBeGreaterThanOrEqual(0.88);
  }, 30_000);
});

describe('graph search among many fitted points', () => {
  it('finds ≥ 95% of the exact neighbours (fit 20,000 × 32, query 1,000), each point as it would alone', async () => {
    const n = 20_000;
    const m = 1000;
    const d = 32;
    const { data: all } = gaussianMixture({ n: n + m, d, seed: 11 });
    const data = all.slice(0, n * d);
    const queries = all.slice(n * d);
    // Only the search is measured here, so the fitted map itself can be a placeholder.
    const core = new ComputeCore(data, n, d, 'euclidean');
    const s = planKnn({ n, nNeighbors: 15, chunkSize: 1000, exactMaxN: 4096, seed: 1 });
    await runKnn(s, new LocalPool(core), core, n, 'euclidean');
    const knn = finishKnn(s, n, 15);
    const big = buildFittedModel({ data, n, d, params: resolveParams({}, n), embedding: new Float32Array(n * 2), knn });
    const search = new FittedSearch(big);
    const rows = queryRows(big, queries, m, pointKeys(queries, m, d));
    const exact = search.exact(rows, 0, m, 15);
    const t0 = performance.now();
    const graph = search.graph(rows, 0, m, 15, 0.12, 3);
    const seconds = (performance.now() - t0) / 1000;
    const recall = overlap(exact.indices, graph.indices, m, 15);
    console.log(`graph search recall@15 ${recall.toFixed(3)} (1,000 queries among 20,000 in ${seconds.toFixed(2)} s)`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    for (const i of [0, 499, 999]) {
      const one = queryRows(big, queries.slice(i * d, i * d + d), 1, pointKeys(queries.slice(i * d, i * d + d), 1, d));
      const alone = search.graph(one, 0, 1, 15, 0.12, 3);
      expect(Array.from(alone.indices)).toEqual(Array.from(graph.indices.subarray(i * 15, i * 15 + 15)));
    }
  }, 60_000);
});
