import type { Metric } from './types';
import { dotAt, sqDistAt } from './distance';
import { exactRowScale } from './knn-exact';

/**
 * Distance from a row of one matrix (a new point, or a fitted row when building the index) to fitted
 * row j. Like the fit's kNN, it is an "ordering distance": squared euclidean or 1 − cos, cheaper than
 * the true distance and in the same order. `qInv` is the query row's inverse norm (cosine only).
 * Each call sums in the same order whatever else is being computed, so a point's distances never
 * depend on the batch it came in.
 */
export type QueryDistance = (q: Float32Array, qo: number, qInv: number, j: number) => number;

export function queryDistance(metric: Metric, x: Float32Array, d: number, xInv: Float64Array | null): QueryDistance {
  if (metric === 'euclidean') return (q, qo, _qInv, j) => sqDistAt(q, qo, x, j * d, d);
  const inv = xInv!;
  return (q, qo, qInv, j) => {
    const c = 1 - dotAt(q, qo, x, j * d, d) * qInv * inv[j]!;
    return c < 0 ? 0 : c;
  };
}

/** Inverse row norms (0 for a zero row), which the cosine distance multiplies by: the exact kNN's cosine row scale. */
export function inverseNorms(data: Float32Array, n: number, d: number): Float64Array {
  return exactRowScale(data, n, d, 'cosine');
}
