import { describe, expect, it } from 'vitest';
import { embeddingQuality, exactKnnOf, knnAccuracy, knnRecall, sampleIndices, stratifiedFolds, trustworthiness } from '../bench/quality';
import type { Matrix } from '../src/engine/types';
import { D, EXPECTED_FULL, EXPECTED_SAMPLE_200, N, qualityFixture } from './fixtures/quality-fixture';

const { high, low, labels } = qualityFixture();
const H: Matrix = { data: high, n: N, d: D };
const L: Matrix = { data: low, n: N, d: 2 };
// The scorer rounds to 4 decimals; anything beyond that is a real disagreement.
const ROUNDING = 0.00005 + 1e-9;

function naiveKnn(m: Matrix, q: number, k: number): number[] {
  const dist: [number, number][] = [];
  for (let j = 0; j < m.n; j++) {
    if (j === q) continue;
    let s = 0;
    for (let t = 0; t < m.d; t++) s += (m.data[q * m.d + t]! - m.data[j * m.d + t]!) ** 2;
    dist.push([s, j]);
  }
  dist.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return dist.slice(0, k).map(([, j]) => j);
}

describe('sampleIndices', () => {
  it("reproduces numpy's default_rng(seed).choice(n, m, replace=False), sorted", () => {
    // Tail-shuffle branch (n > 10000, m > n/50).
    const a = sampleIndices(70000, 5000, 42);
    expect(a.length).toBe(5000);
    expect(Array.from(a.slice(0, 3))).toEqual([35, 37, 72]);
    expect(Array.from(a.slice(-3))).toEqual([69964, 69980, 69996]);
    expect(a.reduce((s, v) => s + v, 0)).toBe(173598857);
    // Floyd branch.
    const b = sampleIndices(8000, 5000, 42);
    expect(Array.from(b.slice(0, 3))).toEqual([2, 3, 5]);
    expect(Array.from(b.slice(-3))).toEqual([7993, 7994, 7996]);
    expect(b.reduce((s, v) => s + v, 0)).toBe(20055717);
  });

  it('returns every row when the sample is at least n', () => {
    expect(Array.from(sampleIndices(7, 5000, 1))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('is sorted, distinct and deterministic', () => {
    const s = sampleIndices(50000, 3000, 9);
    expect(new Set(s).size).toBe(3000);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
    expect(sampleIndices(50000, 3000, 9)).toEqual(s);
    expect(sampleIndices(50000, 3000, 10)).not.toEqual(s);
  });
});

describe('exactKnnOf', () => {
  it('matches a naive search, self excluded, with ties broken by index', () => {
    // Duplicate rows create exact ties, including with the query itself.
    const data = new Float32Array(high.subarray(0, 200 * D));
    data.set(data.subarray(0, D), 10 * D);
    data.set(data.subarray(5 * D, 6 * D), 77 * D);
    const m: Matrix = { data, n: 200, d: D };
    const queries = Int32Array.from([0, 1, 5, 10, 77, 123, 199]);
    const k = 9;
    const knn = exactKnnOf(data, m.n, m.d, queries, k);
    queries.forEach((q, a) => {
      expect(Array.from(knn.indices.subarray(a * k, a * k + k))).toEqual(naiveKnn(m, q, k));
    });
    expect(knn.distances[0]).toBe(0); // row 0's nearest is its duplicate, row 10
    expect(knn.indices[0]).toBe(10);
    for (let i = 1; i < k; i++) expect(knn.distances[i]!).toBeGreaterThanOrEqual(knn.distances[i - 1]!);
  });
});

describe('metrics match the shared sklearn scorer', () => {
  it('on every row (n below the sample size)', () => {
    expect(Math.abs(trustworthiness(H, L, 15) - EXPECTED_FULL.trustworthiness15)).toBeLessThan(ROUNDING);
    expect(Math.abs(knnRecall(H, L, 15) - EXPECTED_FULL.knnRecall15)).toBeLessThan(ROUNDING);
    expect(Math.abs(knnAccuracy(L, labels, 10) - EXPECTED_FULL.knn10Accuracy)).toBeLessThan(ROUNDING);
  });

  it('on a 200-row sample (--sample 200)', () => {
    const report = embeddingQuality(H, L, { labels, sample: sampleIndices(N, 200, 42) });
    expect(report.sampleSize).toBe(200);
    expect(report.knn10AccuracyMode).toBe('test=sample');
    expect(Math.abs(report.trustworthiness15 - EXPECTED_SAMPLE_200.trustworthiness15)).toBeLessThan(ROUNDING);
    expect(Math.abs(report.knnRecall15 - EXPECTED_SAMPLE_200.knnRecall15)).toBeLessThan(ROUNDING);
    expect(Math.abs(report.knn10Accuracy! - EXPECTED_SAMPLE_200.knn10Accuracy)).toBeLessThan(ROUNDING);
  });

  it("assigns sklearn StratifiedKFold(5)'s folds", () => {
    const y = [3, 1, 1, 2, 3, 3, 1, 2, 2, 2, 1, 3, 3, 0, 1, 1, 2, 3, 3, 1, 0, 0, 0, 2, 1, 0, 0];
    expect(Array.from(stratifiedFolds(y, 5))).toEqual([0, 0, 1, 0, 0, 1, 2, 0, 1, 2, 2, 1, 2, 0, 3, 3, 3, 3, 4, 4, 1, 1, 2, 4, 4, 3, 4]);
  });
});

describe('metric sanity', () => {
  it('scores a perfect embedding as perfect', () => {
    const lowDims = new Float32Array(N * 2);
    for (let i = 0; i < N; i++) lowDims.set(high.subarray(i * D, i * D + 2), i * 2);
    const exact: Matrix = { data: lowDims, n: N, d: 2 };
    expect(trustworthiness(exact, exact, 15)).toBeCloseTo(1, 12);
    expect(knnRecall(exact, exact, 15)).toBe(1);
  });

  it('reuses a precomputed high-D neighbour list', () => {
    const sample = sampleIndices(N, 100, 3);
    const highKnn = exactKnnOf(high, N, D, sample, 15).indices;
    expect(knnRecall(H, L, 15, sample, highKnn)).toBe(knnRecall(H, L, 15, sample));
  });

  it('rejects mismatched inputs', () => {
    expect(() => trustworthiness(H, { data: low, n: N - 1, d: 2 })).toThrow(RangeError);
    expect(() => knnAccuracy(L, labels.subarray(1))).toThrow(RangeError);
  });
});
