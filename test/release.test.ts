// Freeing arrays the engine is done with (release.ts), and the joins' reused buffers: a join gathered
// in a buffer kept from call to call, or in a compute Worker's shared slot (too small, so it grows),
// gives the same pairs as one gathered afresh.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ComputeCore } from '../src/engine/compute-core';
import { JoinBuffer, localJoin, type Candidates, type JoinUpdates } from '../src/engine/nn-descent';
import { startRpBuild } from '../src/engine/rp-tree';
import { gaussianMixture } from '../src/engine/synthetic';
import { releaseArrays } from '../src/engine/release';

describe('releaseArrays', () => {
  it('detaches arrays that are the whole of their buffer, so a later read finds nothing', () => {
    const a = new Float64Array(1000).fill(1);
    const b = new Int32Array(10);
    releaseArrays(a, null, undefined, b);
    expect(a.buffer.byteLength).toBe(0);
    expect(a.length).toBe(0);
    expect(b.length).toBe(0);
  });

  it('leaves alone a part of a buffer, shared memory, wasm memory and empty arrays', () => {
    const whole = new Float32Array(100);
    const part = whole.subarray(10, 20);
    const shared = new Int32Array(new SharedArrayBuffer(64));
    const wasm = new Float32Array(new WebAssembly.Memory({ initial: 1 }).buffer);
    const empty = new Uint8Array(0);
    releaseArrays(part, shared, wasm, empty);
    expect(whole.length).toBe(100);
    expect(part.length).toBe(10);
    expect(shared.length).toBe(16);
    expect(wasm.length).toBe(16384);
  });
});

describe('localJoin with a reused buffer', () => {
  /** Random candidates over m points (−1 for an empty slot) and a distance that is a function of the pair. */
  const candidates = fc.integer({ min: 2, max: 40 }).chain((m) =>
    fc.record({
      m: fc.constant(m),
      maxCand: fc.integer({ min: 1, max: 8 }),
      seed: fc.integer({ min: 0, max: 1e6 }),
    }),
  );

  function make({ m, maxCand, seed }: { m: number; maxCand: number; seed: number }): Candidates {
    let x = seed + 1;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const slot = () => (next() < 0.2 ? -1 : Math.floor(next() * m));
    const fresh = Int32Array.from({ length: m * maxCand }, slot);
    const old = Int32Array.from({ length: m * maxCand }, slot);
    const thresholds = Float32Array.from({ length: m }, () => next() * 2);
    return { maxCand, fresh, old, thresholds };
  }

  const dist = (p: number, q: number) => ((p * 7919 + q * 104729) % 997) / 500;

  it('gives the same pairs, `count` long views of the buffer, whatever the buffer held before', () => {
    fc.assert(
      fc.property(candidates, fc.array(fc.tuple(fc.nat(40), fc.nat(40)), { maxLength: 4 }), (spec, ranges) => {
        const c = make(spec);
        const buf = new JoinBuffer();
        // A buffer grown and filled by earlier joins, as a compute Worker's is.
        buf.ensure(3000);
        buf.a.fill(-7);
        for (const [x, y] of [[0, spec.m] as [number, number], ...ranges]) {
          const start = Math.min(x, y, spec.m);
          const end = Math.min(Math.max(x, y), spec.m);
          const fresh = localJoin(c, start, end, dist);
          const reused = localJoin(c, start, end, dist, buf);
          expect(reused.count).toBe(fresh.count);
          expect(reused.evals).toBe(fresh.evals);
          expect(reused.a.length).toBe(reused.count);
          expect(Array.from(reused.a)).toEqual(Array.from(fresh.a.subarray(0, fresh.count)));
          expect(Array.from(reused.b)).toEqual(Array.from(fresh.b.subarray(0, fresh.count)));
          expect(Array.from(reused.dist)).toEqual(Array.from(fresh.dist.subarray(0, fresh.count)));
          expect(reused.a.buffer).toBe(buf.a.buffer);
        }
      }),
    );
  });

  it('grows past its first size, keeping what it gathered', () => {
    const buf = new JoinBuffer();
    const first = buf.a.length;
    for (let i = 0; i < 5 * first; i++) {
      buf.ensure(i);
      buf.a[i] = i;
    }
    expect(buf.a.length).toBeGreaterThanOrEqual(5 * first);
    expect(Array.from(buf.a.subarray(0, 5 * first))).toEqual(Array.from({ length: 5 * first }, (_, i) => i));
  });
});

describe('joins into a shared slot (the pool in shared mode)', () => {
  const n = 400;
  const d = 8;
  const { data } = gaussianMixture({ n, d, seed: 3 });
  const pairs = (u: JoinUpdates) => [Array.from(u.a), Array.from(u.b), Array.from(u.dist), u.count, u.evals];

  it('leaf pairs and local joins are the same pairs as in arrays of their own, growing the slot when it is short', () => {
    const core = new ComputeCore(data, n, d, 'euclidean');
    const { leaves } = core.rpTreeBuild(startRpBuild(n, 10, 7), Number.POSITIVE_INFINITY);
    core.setLeaves(leaves!);
    const maxCand = 6;
    const fresh = Int32Array.from({ length: n * maxCand }, (_, t) => (t * 7919) % n);
    const old = Int32Array.from({ length: n * maxCand }, (_, t) => (t % 3 === 0 ? -1 : (t * 104729) % n));
    const thresholds = new Float32Array(n).fill(40);
    core.setCandidates({ maxCand, fresh, old, thresholds });
    const tiny = new SharedArrayBuffer(12 * 4);
    for (const [from, to] of [
      [0, 3],
      [3, 20],
    ] as const) {
      const own = core.leafPairs(from, to);
      const inSlot = core.leafPairs(from, to, tiny);
      expect(inSlot.a.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(pairs(inSlot)).toEqual(pairs(own));
    }
    // In the calling thread the results are arrays of their own: a later join does not write into them.
    const first = core.localJoin(0, 400);
    const kept = pairs(first);
    core.localJoin(0, 10);
    expect(pairs(first)).toEqual(kept);
    for (const [start, end] of [
      [0, 50],
      [50, 400],
    ] as const) {
      const own = core.localJoin(start, end);
      expect(own.count).toBeGreaterThan(4);
      const inSlot = core.localJoin(start, end, tiny);
      expect(inSlot.a.buffer).toBeInstanceOf(SharedArrayBuffer);
      // Too many pairs for the slot: they are in a larger shared memory, and the slot is untouched.
      expect(inSlot.a.buffer).not.toBe(tiny);
      expect(pairs(inSlot)).toEqual(pairs(own));
    }
    // A slot large enough is written in place.
    const big = new SharedArrayBuffer(12 * 100_000);
    const inBig = core.localJoin(0, 400, big);
    expect(inBig.a.buffer).toBe(big);
    expect(pairs(inBig)).toEqual(pairs(core.localJoin(0, 400)));
  });

  it('joins where the page is not isolated, which has no SharedArrayBuffer global', () => {
    const g = globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor };
    const saved = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    try {
      const core = new ComputeCore(data, n, d, 'euclidean');
      const { leaves } = core.rpTreeBuild(startRpBuild(n, 10, 7), Number.POSITIVE_INFINITY);
      core.setLeaves(leaves!);
      expect(core.leafPairs(0, 5).count).toBeGreaterThan(0);
      core.setCandidates({ maxCand: 2, fresh: new Int32Array(2 * n).fill(1), old: new Int32Array(2 * n).fill(2), thresholds: new Float32Array(n).fill(1e9) });
      expect(core.localJoin(0, 10).count).toBeGreaterThan(0);
    } finally {
      g.SharedArrayBuffer = saved;
    }
  });
});
