// Exact k nearest neighbours of one row against all rows, in the original (high-D) space: what the
// point inspector shows when no stored kNN graph covers the row. Runs in the neighbours Worker.
import type { Metric } from '../engine/types';

export interface Neighbours {
  /** Row indices, nearest first; the row itself is left out. */
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * One pass over the rows with a bounded sorted list (k is small, so insertion beats a heap).
 * Distances are the engine's: euclidean, or 1 − cosine similarity.
 */
export function exactNeighbours(data: Float32Array, n: number, d: number, row: number, k: number, metric: Metric): Neighbours {
  if (!Number.isInteger(row) || row < 0 || row >= n) throw new Error(`Row ${row} is not one of the ${n} rows.`);
  const kk = Math.max(0, Math.min(k, n - 1));
  const best = new Float64Array(kk).fill(Infinity);
  const idx = new Int32Array(kk).fill(-1);
  const q = row * d;
  const cosine = metric === 'cosine';
  let qNorm = 0;
  if (cosine) {
    for (let c = 0; c < d; c++) qNorm += data[q + c]! * data[q + c]!;
    qNorm = Math.sqrt(qNorm);
  }
  for (let i = 0; i < n; i++) {
    if (i === row) continue;
    const o = i * d;
    let dist: number;
    if (cosine) {
      let dot = 0;
      let nn = 0;
      for (let c = 0; c < d; c++) {
        const v = data[o + c]!;
        dot += v * data[q + c]!;
        nn += v * v;
      }
      const denom = Math.sqrt(nn) * qNorm;
      dist = denom > 0 ? 1 - dot / denom : 1;
    } else {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = data[o + c]! - data[q + c]!;
        s += t * t;
      }
      dist = s;
    }
    if (kk === 0 || dist >= best[kk - 1]!) continue;
    let j = kk - 1;
    while (j > 0 && best[j - 1]! > dist) {
      best[j] = best[j - 1]!;
      idx[j] = idx[j - 1]!;
      j--;
    }
    best[j] = dist;
    idx[j] = i;
  }
  const distances = new Float32Array(kk);
  for (let j = 0; j < kk; j++) distances[j] = cosine ? best[j]! : Math.sqrt(best[j]!);
  return { indices: idx, distances };
}

/** A stored kNN graph's row, without the row itself (graphs list each point as its own nearest). */
export function graphNeighbours(indices: Int32Array, distances: Float32Array, k: number, row: number): Neighbours {
  const ix: number[] = [];
  const ds: number[] = [];
  for (let j = 0; j < k; j++) {
    const t = indices[row * k + j]!;
    if (t < 0 || t === row) continue;
    ix.push(t);
    ds.push(distances[row * k + j]!);
  }
  return { indices: Int32Array.from(ix), distances: Float32Array.from(ds) };
}
