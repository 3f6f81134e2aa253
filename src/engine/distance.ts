import type { Metric } from './types';

// All distances accumulate in JS doubles while reading float32 rows: accurate and no slower.

/** Squared euclidean distance between the d values at offset a of p and at offset b of q (rows of one matrix or of two). */
export function sqDistAt(p: Float32Array, a: number, q: Float32Array, b: number, d: number): number {
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    const x0 = p[a]! - q[b]!;
    const x1 = p[a + 1]! - q[b + 1]!;
    const x2 = p[a + 2]! - q[b + 2]!;
    const x3 = p[a + 3]! - q[b + 3]!;
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
    a += 4;
    b += 4;
  }
  while (a < end) {
    const x = p[a++]! - q[b++]!;
    s0 += x * x;
  }
  return s0 + s1 + s2 + s3;
}

/** Dot product of the d values at offset a of p and at offset b of q. */
export function dotAt(p: Float32Array, a: number, q: Float32Array, b: number, d: number): number {
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    s0 += p[a]! * q[b]!;
    s1 += p[a + 1]! * q[b + 1]!;
    s2 += p[a + 2]! * q[b + 2]!;
    s3 += p[a + 3]! * q[b + 3]!;
    a += 4;
    b += 4;
  }
  while (a < end) s0 += p[a++]! * q[b++]!;
  return s0 + s1 + s2 + s3;
}

/** Squared euclidean distance between rows i and j of one matrix. */
export function sqDist(data: Float32Array, d: number, i: number, j: number): number {
  return sqDistAt(data, i * d, data, j * d, d);
}

/** Dot product of rows i and j. */
export function dotRows(data: Float32Array, d: number, i: number, j: number): number {
  return dotAt(data, i * d, data, j * d, d);
}

/** Convert an ordering distance (squared euclidean, or 1 − cos) back to the metric's distance. */
export function trueDistance(metric: Metric, orderDistance: number): number {
  return metric === 'euclidean' ? Math.sqrt(orderDistance) : orderDistance;
}
