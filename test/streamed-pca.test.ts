import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/prng';
import { PCA_PASSES, streamedPca, type PcaProgress, type PcaSummary } from '../src/engine/streamed-pca';

/** n rows in d dimensions: `strong` directions with large, distinct spreads plus small isotropic noise, shifted off the origin. */
function lowRank(n: number, d: number, spreads: number[], noise: number, seed = 3): Float32Array {
  const rng = new Rng(seed);
  const dirs = spreads.map(() => Array.from({ length: d }, () => rng.normal()));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const coef = spreads.map((s) => s * rng.normal());
    for (let c = 0; c < d; c++) {
      let x = 5 + c * 0.1 + noise * rng.normal();
      for (let a = 0; a < spreads.length; a++) x += (coef[a]! * dirs[a]![c]!) / Math.sqrt(d);
      data[i * d + c] = x;
    }
  }
  return data;
}

function run(data: Float32Array, n: number, d: number, k: number, blockRows = 100): { out: Float32Array; summary: PcaSummary; steps: PcaProgress[] } {
  const out = new Float32Array(n * k);
  const gen = streamedPca(data, n, d, k, out, { blockRows });
  const steps: PcaProgress[] = [];
  for (;;) {
    const s = gen.next();
    if (s.done) return { out, summary: s.value, steps };
    steps.push(s.value);
  }
}

/** Sample variance of column j and covariance of columns a, b of an n × k matrix. */
function cov(m: Float32Array, n: number, k: number, a: number, b: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += m[i * k + a]!;
    mb += m[i * k + b]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (m[i * k + a]! - ma) * (m[i * k + b]! - mb);
  return s / (n - 1);
}

function totalVariance(data: Float32Array, n: number, d: number): number {
  let t = 0;
  for (let c = 0; c < d; c++) t += cov(data, n, d, c, c);
  return t;
}

describe('streamed randomized PCA', () => {
  const n = 2000;
  const d = 40;
  const data = lowRank(n, d, [20, 10, 5], 0.1);

  it('keeps nearly all the variance of data with 3 strong directions, in uncorrelated centred components, largest first', () => {
    const { out, summary } = run(data, n, d, 3);
    const total = totalVariance(data, n, d);
    let kept = 0;
    for (let j = 0; j < 3; j++) kept += cov(out, n, 3, j, j);
    expect(summary.varianceKept).toBeCloseTo(kept / total, 4);
    expect(summary.varianceKept).toBeGreaterThan(0.98);
    for (let j = 0; j < 3; j++) expect(cov(out, n, 3, j, j)).toBeCloseTo(summary.componentVariance[j]!, 2);
    expect(summary.componentVariance[0]).toBeGreaterThan(summary.componentVariance[1]!);
    expect(summary.componentVariance[1]).toBeGreaterThan(summary.componentVariance[2]!);
    expect(Math.abs(cov(out, n, 3, 0, 1))).toBeLessThan(1e-3 * summary.componentVariance[0]!);
    let mean0 = 0;
    for (let i = 0; i < n; i++) mean0 += out[i * 3]!;
    expect(Math.abs(mean0 / n)).toBeLessThan(1e-3);
  });

  it('with k = d keeps all the variance and every pairwise distance', () => {
    const small = lowRank(300, 6, [3, 2], 0.5, 9);
    const { out, summary } = run(small, 300, 6, 6, 64);
    expect(summary.varianceKept).toBeCloseTo(1, 6);
    const dist = (m: Float32Array, dd: number, i: number, j: number) => Math.hypot(...Array.from({ length: dd }, (_, c) => m[i * dd + c]! - m[j * dd + c]!));
    for (const [i, j] of [
      [0, 1],
      [5, 200],
      [17, 299],
    ] as const)
      expect(dist(out, 6, i, j)).toBeCloseTo(dist(small, 6, i, j), 3);
  });

  it('reports the share kept honestly when k is below the data’s rank: what its one column holds, less than three keep', () => {
    const one = run(data, n, d, 1);
    const three = run(data, n, d, 3);
    expect(one.summary.varianceKept).toBeCloseTo(cov(one.out, n, 1, 0, 0) / totalVariance(data, n, d), 4);
    expect(one.summary.varianceKept).toBeGreaterThan(0.5);
    expect(one.summary.varianceKept).toBeLessThan(three.summary.varianceKept - 0.1);
  });

  it('yields after each block of every pass, ending with all rows of the last pass', () => {
    const { steps } = run(data, n, d, 3, 500);
    expect(steps.length).toBe(PCA_PASSES * 4);
    expect(steps.at(-1)).toEqual({ pass: PCA_PASSES - 1, passes: PCA_PASSES, rows: n, n });
    expect(new Set(steps.map((s) => s.pass)).size).toBe(PCA_PASSES);
  });

  it('refuses a k outside 1..d and too few rows, naming the bound', () => {
    expect(() => run(data, n, d, 0)).toThrow('k must be a whole number from 1 to 40 (got 0).');
    expect(() => run(data, n, d, 41)).toThrow('from 1 to 40');
    expect(() => run(data.subarray(0, d), 1, d, 2)).toThrow('PCA needs at least 2 rows.');
  });
});
