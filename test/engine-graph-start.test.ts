// A fit started from a stored kNN or fuzzy graph (result caching) is the fit that made the graph:
// the same map, bit for bit, in exact and approximate kNN mode, after a structured clone (as IndexedDB
// stores it).
import { describe, expect, it } from 'vitest';
import { UmapEngine, resolveParams, type FuzzyGraph, type KnnGraph, type UmapParams } from '../src/engine';
import { gaussianMixture } from '../src/engine/synthetic';

const n = 1500;
const d = 24;
const { data } = gaussianMixture({ n, d, seed: 5 });

/** A full run, keeping the kNN graph at the end of kNN and the fuzzy graph at the end of the graph phase. */
async function fullRun(p: UmapParams) {
  let knn: KnnGraph | null = null;
  let graph: FuzzyGraph | null = null;
  const e = new UmapEngine({ data, n, d }, p, {
    onBoundary(eng) {
      const cp = eng.checkpoint();
      if (eng.phase === 'graph' && !knn) knn = structuredClone(cp.knn!);
      if (eng.phase === 'init' && !graph) graph = structuredClone(cp.graph!);
    },
  });
  await e.run();
  return { embedding: e.result().embedding, knn: knn!, graph: graph! };
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('engine started from a stored graph', () => {
  for (const [mode, extra] of [
    ['exact kNN', {}],
    ['RP trees + NN-descent', { exactKnnMaxN: 300 }],
  ] as const) {
    it(`gives the full run's map from its kNN graph and from its fuzzy graph (${mode})`, async () => {
      const p = resolveParams({ nEpochs: 80, ...extra }, n);
      const full = await fullRun(p);
      expect(full.knn.k).toBe(15);

      const fromKnn = new UmapEngine({ data, n, d }, p, {}, { start: { knn: full.knn } });
      expect(fromKnn.phase).toBe('graph');
      const phases = new Set<string>();
      await fromKnn.run({
        shouldStop: () => {
          phases.add(fromKnn.phase);
          return false;
        },
      });
      expect(phases.has('knn')).toBe(false);
      expect(same(fromKnn.result().embedding, full.embedding)).toBe(true);
      expect(fromKnn.result().timings.knn).toBe(0);

      const fromGraph = new UmapEngine({ data, n, d }, p, {}, { start: { graph: full.graph } });
      expect(fromGraph.phase).toBe('init');
      await fromGraph.run();
      expect(same(fromGraph.result().embedding, full.embedding)).toBe(true);
      expect(fromGraph.result().timings.graph).toBe(0);
    });
  }

  it('changes only the layout when min_dist changes', async () => {
    const p = resolveParams({ nEpochs: 40 }, n);
    const full = await fullRun(p);
    const p2 = { ...p, minDist: 0.5 };
    const reused = new UmapEngine({ data, n, d }, p2, {}, { start: { graph: full.graph } });
    await reused.run();
    const fresh = new UmapEngine({ data, n, d }, p2);
    await fresh.run();
    expect(same(reused.result().embedding, fresh.result().embedding)).toBe(true);
    expect(same(reused.result().embedding, full.embedding)).toBe(false);
  });

  it('refuses a graph of other data or another n_neighbors', async () => {
    const p = resolveParams({ nEpochs: 10 }, n);
    const knn: KnnGraph = { n, k: 10, indices: new Int32Array(n * 10), distances: new Float32Array(n * 10) };
    expect(() => new UmapEngine({ data, n, d }, p, {}, { start: { knn } })).toThrow(/10 neighbours per point, not n_neighbors = 15/);
    const graph: FuzzyGraph = { n: n - 1, rows: new Int32Array(0), cols: new Int32Array(0), weights: new Float32Array(0) };
    expect(() => new UmapEngine({ data, n, d }, p, {}, { start: { graph } })).toThrow(/does not belong to this dataset/);
  });
});
