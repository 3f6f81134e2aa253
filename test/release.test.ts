// Freeing arrays the engine is done with (release.ts), and the local join's reused buffer: a join
// gathered in a buffer kept from call to call gives the same pairs as one gathered afresh.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JoinBuffer, localJoin, type Candidates } from '../src/engine/nn-descent';
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

  it('gives the same pairs, each result exactly its own and `count` long, whatever the buffer held before', () => {
    fc.assert(
      fc.property(candidates, fc.array(fc.tuple(fc.nat(40), fc.nat(40)), { maxLength: 4 }), (spec, ranges) => {
        const c = make(spec);
        const buf = new JoinBuffer();
        // A buffer grown and filled by earlier joins, as a compute Worker's is.
        buf.ensure(3000);
        buf.a.fill(-7);
        const results = [];
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
          results.push({ r: reused, copy: Array.from(reused.a) });
        }
        // Later joins wrote into the buffer, not into the arrays already returned.
        for (const { r, copy } of results) expect(Array.from(r.a)).toEqual(copy);
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
