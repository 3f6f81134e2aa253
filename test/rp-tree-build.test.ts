// An RP tree built over many calls: where the calls stop, even inside one range's split, must not
// change the tree, since NN-descent's start (and so the map) rests on it.
import { describe, expect, it } from 'vitest';
import { advanceRpBuild, startRpBuild, type RpLeaves, type SplitSide } from '../src/engine/rp-tree';
import { Rng } from '../src/engine/prng';
import { gaussianMixture } from '../src/engine/synthetic';

const n = 2000;
const d = 8;
const { data } = gaussianMixture({ n, d, seed: 11 });
const sq = (p: number, q: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += (data[p * d + j]! - data[q * d + j]!) ** 2;
  return s;
};
// Duplicate rows tie on every plane through them, so the coin draws run too.
for (let i = 1500; i < 1600; i++) data.copyWithin(i * d, 1500 * d, 1501 * d);
const sideOf: SplitSide = (p, a, b) => sq(p, b) - sq(p, a);

function build(units: () => number): { leaves: RpLeaves; calls: number; stoppedInside: number } {
  let b = startRpBuild(n, 10, 7);
  let calls = 0;
  let stoppedInside = 0;
  for (;;) {
    calls++;
    // Each call gets the state as a Worker would: a structured clone of the last one's.
    b = structuredClone(b);
    const leaves = advanceRpBuild(b, units(), sideOf);
    if (leaves) return { leaves, calls, stoppedInside };
    if (b.split) stoppedInside++;
  }
}

describe('advanceRpBuild', () => {
  it('gives the same tree for any sequence of call sizes, including calls that stop inside a split', () => {
    const whole = build(() => 1e9);
    expect(whole.calls).toBe(1);
    const rng = new Rng(3);
    for (const max of [1, 7, 150, 900]) {
      const paced = build(() => 1 + rng.int(max));
      expect(paced.stoppedInside).toBeGreaterThan(0);
      expect(Array.from(paced.leaves.order)).toEqual(Array.from(whole.leaves.order));
      expect(Array.from(paced.leaves.leafStarts)).toEqual(Array.from(whole.leaves.leafStarts));
    }
  });

  it('does about `units` points of work a call, not a whole range: the root split is cut', () => {
    const b = startRpBuild(n, 10, 7);
    expect(advanceRpBuild(b, 300, sideOf)).toBeNull();
    expect(b.split).toMatchObject({ lo: 0, hi: n, at: 300 });
    expect(b.stack).toEqual([]);
  });

  it('counts the points it put on a side, the same in all for any call sizes; the last call, less than it was given', () => {
    const whole = startRpBuild(n, 10, 7);
    advanceRpBuild(whole, 1e9, sideOf);
    // Every split sides each point of its range once.
    expect(whole.sided).toBeGreaterThan(n);
    const b = startRpBuild(n, 10, 7);
    let before = 0;
    let last = 0;
    while (!advanceRpBuild(b, 500, sideOf)) {
      last = b.sided - before;
      expect(last).toBeGreaterThanOrEqual(500);
      before = b.sided;
    }
    last = b.sided - before;
    expect(last).toBeLessThan(500);
    expect(b.sided).toBe(whole.sided);
  });

  it('ends every leaf at ≤ leafSize points and covers each point once', () => {
    const { leaves } = build(() => 1e9);
    expect(new Set(leaves.order).size).toBe(n);
    for (let l = 0; l + 1 < leaves.leafStarts.length; l++) {
      expect(leaves.leafStarts[l + 1]! - leaves.leafStarts[l]!).toBeLessThanOrEqual(10);
    }
  });
});
