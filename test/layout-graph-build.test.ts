import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { layoutGraph, makeEpochsPerSample } from '../src/engine/layout-graph';
import { LayoutGraphBuild } from '../src/engine/layout-graph-build';
import type { FuzzyGraph } from '../src/engine/types';
import { RandomPacer } from './helpers/pacers';

// The layout graph built in paced chunks against the one-shot build: the same arrays for any chunk
// schedule, so where the steps fall never changes a map.

const graphArb = fc
  .record({
    counts: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 40 }),
    nEpochs: fc.integer({ min: 1, max: 500 }),
    // Weak edges fall below max(w)/nEpochs and are left out; zero and NaN weights too.
    weights: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1e-6, Number.NaN)), { minLength: 1, maxLength: 320 }),
    cols: fc.array(fc.nat(), { minLength: 1, maxLength: 320 }),
  })
  .map(({ counts, nEpochs, weights, cols }) => {
    const n = counts.length;
    const rows = counts.flatMap((c, i) => Array<number>(c).fill(i));
    const m = rows.length;
    const g: FuzzyGraph = {
      n,
      rows: Int32Array.from(rows),
      cols: Int32Array.from({ length: m }, (_, t) => cols[t % cols.length]! % n),
      weights: Float32Array.from({ length: m }, (_, t) => weights[t % weights.length]!),
    };
    return { g, nEpochs };
  });

const bits = (a: Int32Array | Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('the paced layout graph build', () => {
  it('gives the one-shot layout graph for any chunk schedule', () => {
    fc.assert(
      fc.property(graphArb, fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, 0.7), fc.nat(), ({ g, nEpochs }, max, goOn, seed) => {
        const want = layoutGraph(g, makeEpochsPerSample(g.weights, nEpochs));
        const build = new LayoutGraphBuild(g, nEpochs);
        // goOn: the chance a step takes another chunk (0: a chunk a step).
        const pacer = new RandomPacer(seed, max, goOn);
        let got = build.step(pacer);
        let steps = 1;
        while (!got) {
          const { done, total } = build.progress;
          expect(done).toBeLessThan(total || 1);
          got = build.step(pacer);
          steps++;
        }
        // Three passes over the edges, each at least one chunk.
        if (goOn === 0) expect(steps).toBeGreaterThanOrEqual(3);
        expect(got.n).toBe(want.n);
        expect(bits(got.ptr)).toEqual(bits(want.ptr));
        expect(bits(got.tail)).toEqual(bits(want.tail));
        expect(bits(got.epochsPerSample)).toEqual(bits(want.epochsPerSample));
      }),
      { numRuns: 300 },
    );
  });
});
