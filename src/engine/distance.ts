import type { Metric } from './types';

// All distances accumulate in JS doubles while reading float32 rows: accurate and no slower.

/** Squared euclidean distance between rows i and j of one matrix. */
export function sqDist(data: Float32Array, d: number, i: number, j: number): number {
  let a = i * d;
  let b = j * d;
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    const x0 = data[a]! - data[b]!;
    const x1 = data[a + 1]! - data[b + 1]!;
    const x2 = data[a + 2]! - data[b + 2]!;
    const x3 = data[a + 3]! - data[b + 3]!;
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
    a += 4;
    b += 4;
  }
  while (a < end) {
    const x = data[a++]! - data[b++]!;
    s0 += x * x;
  }
  return s0 + s1 + s2 + s3;
}

/** Dot product of rows i and j. */
export function dotRows(data: Float32Array, d: number, i: number, j: number): number {
  let a = i * d;
  let b = j * d;
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    s0 += data[a]! * data[b]!;
    s1 += data[a + 1]! * data[b + 1]!;
    s2 += data[a + 2]! * data[b + 2]!;
    s3 += data[a + 3]! * data[b + 3]!;
    a += 4;
    b += 4;
  }
  while (a < end) s0 += data[a++]! * data[b++]!;
  return s0 + s1 + s2 + s3;
}

/** Euclidean norm of every row; cosine needs them, and zero rows are flagged by a norm of 0. */
export function rowNorms(data: Float32Array, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(dotRows(data, d, i, i));
  return norms;
}

/**
 * A distance between two rows, in the metric's own units (euclidean: not squared), as umap-learn's
 * smoothing expects. Cosine of a zero row is taken as distance 1 (orthogonal), as scipy would be NaN.
 */
export type RowDistance = (i: number, j: number) => number;

export function rowDistance(metric: Metric, data: Float32Array, d: number, norms: Float64Array | null): RowDistance {
  if (metric === 'euclidean') return (i, j) => Math.sqrt(sqDist(data, d, i, j));
  const inv = invNorms(norms!);
  return (i, j) => {
    const c = 1 - dotRows(data, d, i, j) * inv[i]! * inv[j]!;
    return c < 0 ? 0 : c;
  };
}

export function invNorms(norms: Float64Array): Float64Array {
  const inv = new Float64Array(norms.length);
  for (let i = 0; i < norms.length; i++) inv[i] = norms[i]! > 0 ? 1 / norms[i]! : 0;
  return inv;
}
