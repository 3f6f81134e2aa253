import type { Metric } from './types';
import { heapPush, makeHeaps, sortHeaps } from './neighbor-heap';

export interface KnnChunk {
  start: number;
  end: number;
  k: number;
  /** (end − start) × k, ascending by distance, self excluded. */
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * Exact k nearest neighbours (self excluded) of rows [start, end) among all n rows.
 * Four query rows share each pass over a data row, so every load of the data feeds four dot products.
 * `sqNorms` are squared row norms for euclidean, and inverse norms for cosine.
 */
export function exactKnnChunk(data: Float32Array, n: number, d: number, metric: Metric, rowScale: Float64Array, start: number, end: number, k: number): KnnChunk {
  const m = end - start;
  const heaps = makeHeaps(m, k);
  const cos = metric === 'cosine';
  for (let q0 = start; q0 < end; q0 += 4) {
    const qn = Math.min(4, end - q0);
    const a0 = q0 * d;
    const a1 = (q0 + Math.min(1, qn - 1)) * d;
    const a2 = (q0 + Math.min(2, qn - 1)) * d;
    const a3 = (q0 + Math.min(3, qn - 1)) * d;
    for (let j = 0; j < n; j++) {
      const b = j * d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let t = 0; t < d; t++) {
        const x = data[b + t]!;
        s0 += data[a0 + t]! * x;
        s1 += data[a1 + t]! * x;
        s2 += data[a2 + t]! * x;
        s3 += data[a3 + t]! * x;
      }
      const sj = rowScale[j]!;
      for (let r = 0; r < qn; r++) {
        const q = q0 + r;
        if (q === j) continue;
        const dot = r === 0 ? s0 : r === 1 ? s1 : r === 2 ? s2 : s3;
        let dist: number;
        if (cos) {
          dist = 1 - dot * rowScale[q]! * sj;
          if (dist < 0) dist = 0;
        } else {
          dist = rowScale[q]! + sj - 2 * dot;
          if (dist < 0) dist = 0;
        }
        heapPush(heaps, q - start, j, dist, 0);
      }
    }
  }
  sortHeaps(heaps);
  if (!cos) for (let t = 0; t < heaps.distances.length; t++) heaps.distances[t] = Math.sqrt(heaps.distances[t]!);
  return { start, end, k, indices: heaps.indices, distances: heaps.distances };
}

/** Per-row scale the exact kernel expects: squared norms (euclidean) or inverse norms (cosine). */
export function exactRowScale(data: Float32Array, n: number, d: number, metric: Metric): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let t = 0; t < d; t++) s += data[o + t]! * data[o + t]!;
    out[i] = metric === 'cosine' ? (s > 0 ? 1 / Math.sqrt(s) : 0) : s;
  }
  return out;
}
