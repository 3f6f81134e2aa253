// The quality of a finished map as the app shows it: trustworthiness@15 and kNN recall@15 on a sample,
// with the metrics of quality.ts (the same code the benchmark reports). The sample is capped so
// that the exact high-D search (sample × n × d multiply-adds) stays within a fixed budget, and the
// search runs in chunks so a Worker can report progress between them.
import { Rng } from './prng';
import { exactKnnOf, knnRecall, trustworthiness } from './quality';
import type { Matrix } from './types';

const QUALITY_K = 15;
/** Points in the sample when the budget allows. */
const QUALITY_SAMPLE = 1000;
/** The smallest sample worth reporting: below it the numbers are noise. */
const MIN_SAMPLE = 100;
/** Multiply-adds the exact high-D search may take (≈ 15–40 s in a Worker on a slow laptop core). */
const WORK_BUDGET = 3e10;
const SAMPLE_SEED = 42;
const CHUNK = 32;

export interface MapQuality {
  trustworthiness: number;
  knnRecall: number;
  k: number;
  /** The sampled rows (sorted), so anyone can recompute the numbers on the same points. */
  sample: Int32Array;
  n: number;
  seconds: number;
}

/** How many points the sample holds for n × d data: QUALITY_SAMPLE, fewer when the search would be too long. */
export function qualitySampleSize(n: number, d: number): number {
  const byBudget = Math.floor(WORK_BUDGET / Math.max(1, n * d));
  return Math.min(n, Math.max(MIN_SAMPLE, Math.min(QUALITY_SAMPLE, byBudget)));
}

/** m distinct rows of n, sorted (Floyd's algorithm: m draws whatever n is). */
export function qualitySample(n: number, m: number, seed = SAMPLE_SEED): Int32Array {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  for (let j = n - m; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}

/**
 * Trustworthiness and kNN recall of `low` (the map) against `high` (the vectors it was made from).
 * `onProgress(done, total)` is called between chunks of the high-D search, the slow part.
 */
export function mapQuality(high: Matrix, low: Matrix, onProgress?: (done: number, total: number) => void): MapQuality {
  const t0 = performance.now();
  if (high.n !== low.n) throw new RangeError(`The map has ${low.n} points but the data have ${high.n} rows.`);
  const k = QUALITY_K;
  // Trustworthiness needs k below half the sample.
  if (high.n <= 2 * k + 1) throw new RangeError(`Quality needs more than ${2 * k + 1} points; this map has ${high.n}.`);
  const sample = qualitySample(high.n, qualitySampleSize(high.n, high.d));
  const m = sample.length;
  const highKnn = new Int32Array(m * k);
  for (let s = 0; s < m; s += CHUNK) {
    const rows = sample.subarray(s, Math.min(m, s + CHUNK));
    highKnn.set(exactKnnOf(high.data, high.n, high.d, rows, k).indices, s * k);
    onProgress?.(Math.min(m, s + CHUNK), m + 1);
  }
  const recall = knnRecall(high, low, k, sample, highKnn);
  const trust = trustworthiness(high, low, k, sample);
  onProgress?.(m + 1, m + 1);
  return { trustworthiness: trust, knnRecall: recall, k, sample, n: high.n, seconds: (performance.now() - t0) / 1000 };
}
