import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FuzzyUnion, computeMembershipStrengths } from '../src/engine/fuzzy-simplicial-set';
import type { KnnGraph } from '../src/engine/types';

// The fuzzy union against a plain Map-keyed A + Aᵀ − A∘Aᵀ, on random kNN graphs with hubs (a point in
// most rows' lists, so its own row is far longer than the in-place sort's limit).

function knnGraph(n: number, k: number, picks: number[], hubShare: number): KnnGraph {
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  let q = 0;
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    const used = new Set([i]);
    for (let j = 1; j < k; j++) {
      let c = (picks[q++ % picks.length]! + i) % n;
      if (j === 1 && i % 100 < hubShare * 100 && !used.has(0)) c = 0;
      while (used.has(c)) c = (c + 1) % n;
      used.add(c);
      indices[i * k + j] = c;
      distances[i * k + j] = j + (picks[q % picks.length]! % 7) / 10;
    }
  }
  return { n, k, indices, distances };
}

function referenceUnion(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array, mix: number): Map<string, number> {
  const w = computeMembershipStrengths(knn, rhos, sigmas);
  const a = new Map<string, number>();
  for (let i = 0; i < knn.n; i++)
    for (let j = 0; j < knn.k; j++) {
      const t = i * knn.k + j;
      if (w[t]! > 0) a.set(`${i},${knn.indices[t]}`, w[t]!);
    }
  const out = new Map<string, number>();
  for (const key of new Set([...a.keys(), ...[...a.keys()].map((k) => k.split(',').reverse().join(','))])) {
    const x = a.get(key) ?? 0;
    const y = a.get(key.split(',').reverse().join(',')) ?? 0;
    const prod = x * y;
    const v = mix * (x + y - prod) + (1 - mix) * prod;
    if (v > 0) out.set(key, Math.fround(v));
  }
  return out;
}

describe('FuzzyUnion', () => {
  it('equals the Map-keyed union for any split into pieces, with hubs, and keeps each row sorted by column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 3, max: 12 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 5, maxLength: 40 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 10 }),
        (n, k, picks, hubShare, mix, pieces) => {
          const knn = knnGraph(n, Math.min(k, n - 1), picks, hubShare);
          const rhos = new Float32Array(n).fill(1);
          const sigmas = new Float32Array(n).fill(2);
          const u = new FuzzyUnion(knn, rhos, sigmas, mix);
          let g = null;
          for (let s = 0; !g; s++) g = u.advance(pieces[s % pieces.length]!);
          const want = referenceUnion(knn, rhos, sigmas, mix);
          expect(g.rows.length).toBe(want.size);
          for (let t = 0; t < g.rows.length; t++) {
            expect(g.weights[t]).toBe(want.get(`${g.rows[t]},${g.cols[t]}`));
            if (t > 0 && g.rows[t] === g.rows[t - 1]) expect(g.cols[t]!).toBeGreaterThan(g.cols[t - 1]!);
          }
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });
});
