import type { Metric } from './types';

/**
 * Distance from a row of one matrix (a new point, or a fitted row when building the index) to fitted
 * row j. Like the fit's kNN, it is an "ordering distance": squared euclidean or 1 − cos, cheaper than
 * the true distance and in the same order. `qInv` is the query row's inverse norm (cosine only).
 * Each call sums in the same order whatever else is being computed, so a point's distances never
 * depend on the batch it came in.
 */
export type QueryDistance = (q: Float32Array, qo: number, qInv: number, j: number) => number;

export function queryDistance(metric: Metric, x: Float32Array, d: number, xInv: Float64Array | null): QueryDistance {
  if (metric === 'euclidean') {
    return (q, qo, _qInv, j) => {
      let a = qo;
      let b = j * d;
      const end = qo + d;
      const end4 = qo + (d & ~3);
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      while (a < end4) {
        const x0 = q[a]! - x[b]!;
        const x1 = q[a + 1]! - x[b + 1]!;
        const x2 = q[a + 2]! - x[b + 2]!;
        const x3 = q[a + 3]! - x[b + 3]!;
        s0 += x0 * x0;
        s1 += x1 * x1;
        s2 += x2 * x2;
        s3 += x3 * x3;
        a += 4;
        b += 4;
      }
      while (a < end) {
        const t = q[a++]! - x[b++]!;
        s0 += t * t;
      }
      return s0 + s1 + s2 + s3;
    };
  }
  const inv = xInv!;
  return (q, qo, qInv, j) => {
    let a = qo;
    let b = j * d;
    const end = qo + d;
    const end4 = qo + (d & ~3);
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    while (a < end4) {
      s0 += q[a]! * x[b]!;
      s1 += q[a + 1]! * x[b + 1]!;
      s2 += q[a + 2]! * x[b + 2]!;
      s3 += q[a + 3]! * x[b + 3]!;
      a += 4;
      b += 4;
    }
    while (a < end) s0 += q[a++]! * x[b++]!;
    const c = 1 - (s0 + s1 + s2 + s3) * qInv * inv[j]!;
    return c < 0 ? 0 : c;
  };
}

/** Inverse row norms (0 for a zero row), which the cosine distance multiplies by. */
export function inverseNorms(data: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let t = 0; t < d; t++) s += data[o + t]! * data[o + t]!;
    out[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return out;
}

export function trueDistance(metric: Metric, orderDistance: number): number {
  return metric === 'euclidean' ? Math.sqrt(orderDistance) : orderDistance;
}
