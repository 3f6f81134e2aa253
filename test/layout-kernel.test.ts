import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeEpochsPerSample } from '../src/engine/layout-graph';
import { optimizeLayoutEuclideanSingleEpoch, type LayoutConstants, type LayoutGraph } from '../src/engine/sgd-layout';
import { layoutKernel, layoutViews, sharedLayoutKernel, sharedLayoutOf } from '../src/engine/wasm/layout-kernel';
import { ComputeCore } from '../src/engine/compute-core';

// The SIMD wasm epoch (layout.wat) against the JavaScript kernel it replaces: the same bits for any
// graph, range, epoch and rate, so a job may run either and its checkpoints stay exact.

interface Case {
  g: LayoutGraph;
  c: LayoutConstants;
  prev: Float32Array;
}

const caseArb = fc
  .record({
    n: fc.integer({ min: 2, max: 120 }),
    degree: fc.integer({ min: 0, max: 12 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    nEpochs: fc.integer({ min: 1, max: 60 }),
    negativeSampleRate: fc.constantFrom(0, 1, 2.5, 5),
    b: fc.double({ min: 0.6, max: 1.6, noNaN: true }),
    // A small spread puts many pairs below the table's first cell, where the exact gradients run.
    spread: fc.constantFrom(1e-4, 0.01, 1, 30),
    coincident: fc.integer({ min: 0, max: 6 }),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      // Each point's own number of edges (up to the degree, none included), and one hub with up to 4×
      // as many, as real graphs have.
      degrees: fc.array(fc.integer({ min: 0, max: s.degree }), { minLength: s.n, maxLength: s.n }),
      hub: fc.record({ at: fc.nat(), degree: fc.integer({ min: 0, max: 4 * s.degree }) }),
      tails: fc.array(fc.nat(), { minLength: s.n * s.degree, maxLength: s.n * s.degree }),
      weights: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: s.n * s.degree, maxLength: s.n * s.degree }),
      coords: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2 * s.n, maxLength: 2 * s.n }),
    }),
  )
  .map(({ s, degrees, hub, tails, weights, coords }): Case => {
    const { n } = s;
    degrees[hub.at % n] = hub.degree;
    const ptr = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) ptr[j + 1] = ptr[j]! + degrees[j]!;
    const m = ptr[n]!;
    const draw = (i: number) => tails[i % tails.length] ?? i;
    const eps = makeEpochsPerSample(
      Float32Array.from({ length: m }, (_, i) => weights[i % Math.max(1, weights.length)] ?? 1),
      s.nEpochs,
    );
    // Never-sampled edges (−1) are kept in: the kernels must agree on them too.
    const g: LayoutGraph = { n, ptr, tail: Int32Array.from({ length: m }, (_, i) => draw(i) % n), epochsPerSample: eps };
    const prev = Float32Array.from(coords, (x) => x * s.spread);
    for (let i = 1; i <= s.coincident && i < n; i++) {
      prev[2 * i] = prev[0]!;
      prev[2 * i + 1] = prev[1]!;
    }
    const c: LayoutConstants = { a: 1.58, b: s.b, gamma: 1, initialAlpha: 1, negativeSampleRate: s.negativeSampleRate, nComponents: 2, nEpochs: s.nEpochs, seed: s.seed };
    return { g, c, prev };
  });

function jsEpoch({ g, c, prev }: Case, start: number, end: number, epoch: number, alpha: number, next: Float32Array): void {
  optimizeLayoutEuclideanSingleEpoch(g, prev, next, start, end, epoch, alpha, c);
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/**
 * For random graphs, ranges, epochs and rates: `wasm` moves points [start, end) of a copy of `fill`,
 * and the result must be the JavaScript kernel's to the bit (points outside the range left as they were).
 */
function agreesWithJs(wasm: (k: Case, fill: Float32Array, start: number, end: number, epoch: number, alpha: number) => Float32Array, numRuns: number): void {
  fc.assert(
    fc.property(caseArb, fc.nat(), fc.nat(), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (k, r1, r2, ep, alpha) => {
      const n = k.g.n;
      const start = r1 % n;
      const end = start + (r2 % (n - start + 1));
      const epoch = ep % k.c.nEpochs;
      const fill = Float32Array.from({ length: 2 * n }, (_, i) => -i - 0.5);
      const js = fill.slice();
      jsEpoch(k, start, end, epoch, alpha, js);
      expect(bits(wasm(k, fill, start, end, epoch, alpha))).toEqual(bits(js));
    }),
    { numRuns },
  );
}

describe('the SIMD wasm layout kernel', () => {
  it('moves every point to the same bits as the JavaScript kernel, for any range, epoch and rate', () => {
    agreesWithJs((k, fill, start, end, epoch, alpha) => {
      const kernel = layoutKernel(k.g, k.c);
      expect(kernel).not.toBeNull();
      const out = fill.slice();
      kernel!.epoch(k.prev, out, start, end, epoch, alpha);
      return out;
    }, 300);
  });

  it('gives the same map as the JavaScript kernel over a whole run, epoch after epoch', () => {
    const k = fc.sample(caseArb, { numRuns: 1, seed: 42 })[0]!;
    const kernel = layoutKernel(k.g, k.c)!;
    let js = k.prev.slice();
    let wasm = k.prev.slice();
    for (let epoch = 0; epoch < k.c.nEpochs; epoch++) {
      const alpha = 1 - epoch / k.c.nEpochs;
      const jsNext = new Float32Array(js.length);
      const wasmNext = new Float32Array(wasm.length);
      optimizeLayoutEuclideanSingleEpoch(k.g, js, jsNext, 0, k.g.n, epoch, alpha, k.c);
      kernel.epoch(wasm, wasmNext, 0, k.g.n, epoch, alpha);
      js = jsNext;
      wasm = wasmNext;
    }
    expect(bits(wasm)).toEqual(bits(js));
  });

  it('is not offered for 3-D layouts, which the JavaScript kernel moves', () => {
    const k = fc.sample(caseArb, { numRuns: 1, seed: 7 })[0]!;
    expect(layoutKernel(k.g, { ...k.c, nComponents: 3 })).toBeNull();
  });

  it('is the kernel a compute core moves its points with, in 2-D', () => {
    const k = fc.sample(caseArb, { numRuns: 1, seed: 9 })[0]!;
    const core = new ComputeCore(new Float32Array(k.g.n * 4), k.g.n, 4, 'euclidean');
    core.setLayout(k.g, k.c);
    expect(core.layoutKernel).toBe('wasm');
    const out = new Float32Array(2 * k.g.n);
    core.layoutRange(k.prev, out, 0, k.g.n, 0, 1);
    const js = new Float32Array(2 * k.g.n);
    jsEpoch(k, 0, k.g.n, 0, 1, js);
    expect(bits(out)).toEqual(bits(js));
  });

  it('moves points to the same bits over a shared layout memory, in place', () => {
    agreesWithJs((k, fill, start, end, epoch, alpha) => {
      const s = sharedLayoutOf(k.g, k.c);
      expect(s.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      const { prev, next } = layoutViews(s.memory.buffer, s.at, s.n, s.edges, s.dim);
      const kernel = sharedLayoutKernel(s, k.c);
      expect(kernel).not.toBeNull();
      prev.set(k.prev);
      next.set(fill);
      kernel!.epoch(prev, next, start, end, epoch, alpha);
      return next;
    }, 200);
  });

  it('lets two cores split an epoch over one shared layout, each writing its own points, as one kernel would', () => {
    for (const [seed, nComponents] of [
      [11, 2],
      [12, 3],
    ] as const) {
      const k = fc.sample(caseArb, { numRuns: 1, seed })[0]!;
      const n = k.g.n;
      const c = { ...k.c, nComponents };
      const prev = Float32Array.from({ length: nComponents * n }, (_, i) => k.prev[i % k.prev.length]! + i * 1e-3);
      const s = sharedLayoutOf(k.g, c);
      const cores = [0, 1].map(() => new ComputeCore(new Float32Array(n * 4), n, 4, 'euclidean'));
      for (const core of cores) core.setSharedLayout(s, c);
      expect(cores[0]!.layoutKernel).toBe(nComponents === 2 ? 'wasm' : 'js');
      const views = layoutViews(s.memory.buffer, s.at, s.n, s.edges, s.dim);
      views.prev.set(prev);
      const mid = n >> 1;
      cores[0]!.layoutShared(0, mid, 3 % c.nEpochs, 0.5);
      cores[1]!.layoutShared(mid, n, 3 % c.nEpochs, 0.5);
      const js = new Float32Array(nComponents * n);
      optimizeLayoutEuclideanSingleEpoch(k.g, prev, js, 0, n, 3 % c.nEpochs, 0.5, c);
      expect(bits(views.next)).toEqual(bits(js));
    }
  });
});
