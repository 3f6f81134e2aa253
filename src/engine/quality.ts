// Embedding quality: trustworthiness@k and kNN recall@k, exactly as the shared scorer
// (/work/shared/tools/embedding_quality.py, sklearn) defines them. One implementation for the app's
// quality badge (computed in a Worker after a run) and the benchmark (bench/quality.ts adds the
// scorer's sample and kNN accuracy on top of it):
// - trustworthiness@k: sklearn.manifold.trustworthiness on the sampled rows only (both spaces
//   restricted to the sample, n in the normalisation = sample size);
// - kNN recall@k: exact k-NN of each sampled row searched among all n rows in each space, self excluded.
import { exactRowScale } from './knn-exact';
import type { Matrix } from './types';

/**
 * Squared distances from queries qIdx[q0 .. q0+qn) to rows c0 .. c0+cn, into out[a*cn + b].
 * Uses ‖q‖² + ‖c‖² − 2 q·c, four queries against two candidates per pass so every load feeds more
 * than one product (about 1.5× the four-by-one kernel in V8); products of float32 values are exact in
 * doubles, so the trick loses nothing that matters here.
 */
function sqDistTile(data: Float32Array, d: number, norms: Float64Array, qIdx: Int32Array, q0: number, qn: number, c0: number, cn: number, out: Float64Array): void {
  let a = 0;
  for (; a + 4 <= qn; a += 4) {
    const i0 = qIdx[q0 + a]!,
      i1 = qIdx[q0 + a + 1]!,
      i2 = qIdx[q0 + a + 2]!,
      i3 = qIdx[q0 + a + 3]!;
    const o0 = i0 * d,
      o1 = i1 * d,
      o2 = i2 * d,
      o3 = i3 * d;
    const n0 = norms[i0]!,
      n1 = norms[i1]!,
      n2 = norms[i2]!,
      n3 = norms[i3]!;
    const r0 = a * cn,
      r1 = r0 + cn,
      r2 = r1 + cn,
      r3 = r2 + cn;
    let b = 0;
    for (; b + 2 <= cn; b += 2) {
      const oc = (c0 + b) * d;
      const oe = oc + d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0;
      for (let t = 0; t < d; t++) {
        const x = data[oc + t]!,
          y = data[oe + t]!;
        const y0 = data[o0 + t]!,
          y1 = data[o1 + t]!,
          y2 = data[o2 + t]!,
          y3 = data[o3 + t]!;
        s0 += x * y0;
        s1 += x * y1;
        s2 += x * y2;
        s3 += x * y3;
        t0 += y * y0;
        t1 += y * y1;
        t2 += y * y2;
        t3 += y * y3;
      }
      const nc = norms[c0 + b]!,
        ne = norms[c0 + b + 1]!;
      out[r0 + b] = Math.max(0, n0 + nc - 2 * s0);
      out[r1 + b] = Math.max(0, n1 + nc - 2 * s1);
      out[r2 + b] = Math.max(0, n2 + nc - 2 * s2);
      out[r3 + b] = Math.max(0, n3 + nc - 2 * s3);
      out[r0 + b + 1] = Math.max(0, n0 + ne - 2 * t0);
      out[r1 + b + 1] = Math.max(0, n1 + ne - 2 * t1);
      out[r2 + b + 1] = Math.max(0, n2 + ne - 2 * t2);
      out[r3 + b + 1] = Math.max(0, n3 + ne - 2 * t3);
    }
    for (; b < cn; b++) {
      const oc = (c0 + b) * d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let t = 0; t < d; t++) {
        const x = data[oc + t]!;
        s0 += x * data[o0 + t]!;
        s1 += x * data[o1 + t]!;
        s2 += x * data[o2 + t]!;
        s3 += x * data[o3 + t]!;
      }
      const nc = norms[c0 + b]!;
      out[r0 + b] = Math.max(0, n0 + nc - 2 * s0);
      out[r1 + b] = Math.max(0, n1 + nc - 2 * s1);
      out[r2 + b] = Math.max(0, n2 + nc - 2 * s2);
      out[r3 + b] = Math.max(0, n3 + nc - 2 * s3);
    }
  }
  for (; a < qn; a++) {
    const i = qIdx[q0 + a]!;
    const oi = i * d;
    const ni = norms[i]!;
    for (let b = 0; b < cn; b++) {
      const oc = (c0 + b) * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += data[oc + t]! * data[oi + t]!;
      out[a * cn + b] = Math.max(0, ni + norms[c0 + b]! - 2 * s);
    }
  }
}

export interface QueryKnn {
  /** queries × k row indices, nearest first; ties keep the lower index first. */
  indices: Int32Array;
  /** queries × k euclidean distances. */
  distances: Float32Array;
  k: number;
}

// A candidate block of a few hundred rows stays in L2 while every query group sweeps it.
const QUERY_BLOCK = 16;
const CAND_BLOCK = 256;

/**
 * Brute-force k nearest rows of each query row, self excluded. With `group`, a candidate in the same
 * group as the query is skipped too (cross-validation folds, "train = rows outside the sample", or
 * "new points search the fitted ones only").
 */
export function bruteKnn(data: Float32Array, n: number, d: number, queryIdx: Int32Array, k: number, group: Int32Array | null): QueryKnn {
  const q = queryIdx.length;
  const norms = exactRowScale(data, n, d, 'euclidean');
  const indices = new Int32Array(q * k).fill(-1);
  const best = new Float64Array(q * k).fill(Infinity);
  const tile = new Float64Array(QUERY_BLOCK * CAND_BLOCK);
  for (let q0 = 0; q0 < q; q0 += QUERY_BLOCK) {
    const qn = Math.min(QUERY_BLOCK, q - q0);
    for (let c0 = 0; c0 < n; c0 += CAND_BLOCK) {
      const cn = Math.min(CAND_BLOCK, n - c0);
      sqDistTile(data, d, norms, queryIdx, q0, qn, c0, cn, tile);
      for (let a = 0; a < qn; a++) {
        const self = queryIdx[q0 + a]!;
        const g = group ? group[self]! : 0;
        const base = (q0 + a) * k;
        const last = base + k - 1;
        for (let b = 0; b < cn; b++) {
          const dist = tile[a * cn + b]!;
          if (!(dist < best[last]!)) continue;
          const c = c0 + b;
          if (c === self || (group && group[c] === g)) continue;
          let p = last;
          while (p > base && best[p - 1]! > dist) {
            best[p] = best[p - 1]!;
            indices[p] = indices[p - 1]!;
            p--;
          }
          best[p] = dist;
          indices[p] = c;
        }
      }
    }
  }
  const distances = new Float32Array(q * k);
  for (let i = 0; i < q * k; i++) distances[i] = Math.sqrt(best[i]!);
  return { indices, distances, k };
}

/** Exact euclidean k-NN of the rows in queryIdx among all n rows, self excluded. */
export function exactKnnOf(data: Float32Array, n: number, d: number, queryIdx: Int32Array, k: number): QueryKnn {
  return bruteKnn(data, n, d, queryIdx, k, null);
}

export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function subsetRows(m: Matrix, rows: Int32Array): Matrix {
  const { d } = m;
  const data = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) data.set(m.data.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  return { data, n: rows.length, d };
}

function checkPair(high: Matrix, low: Matrix): void {
  if (high.n !== low.n) throw new RangeError(`quality: ${high.n} high-D rows but ${low.n} embedding rows`);
}

/**
 * sklearn.manifold.trustworthiness on the sampled rows only (the scorer's convention): both spaces are
 * restricted to the sample, ranks are high-D ranks among the other sampled rows (ties broken by index),
 * and n in the normalisation is the sample size. Without a sample, every row is the sample.
 */
export function trustworthiness(high: Matrix, low: Matrix, k = 15, sample?: Int32Array): number {
  checkPair(high, low);
  const rows = sample ?? allRows(high.n);
  const m = rows.length;
  if (k >= m / 2) throw new RangeError(`trustworthiness: k=${k} must be below half the sample size (${m})`);
  const hs = subsetRows(high, rows);
  const ls = subsetRows(low, rows);
  const self = allRows(m);
  const lowNn = bruteKnn(ls.data, m, ls.d, self, k, null).indices;

  const norms = exactRowScale(hs.data, m, hs.d, 'euclidean');
  const tile = new Float64Array(QUERY_BLOCK * m);
  let penalty = 0;
  for (let q0 = 0; q0 < m; q0 += QUERY_BLOCK) {
    const qn = Math.min(QUERY_BLOCK, m - q0);
    sqDistTile(hs.data, hs.d, norms, self, q0, qn, 0, m, tile);
    for (let a = 0; a < qn; a++) {
      const i = q0 + a;
      const row = a * m;
      for (let t = 0; t < k; t++) {
        const j = lowNn[i * k + t]!;
        const dj = tile[row + j]!;
        // 1-based rank of j among i's high-D neighbours (i itself excluded).
        let rank = 1;
        for (let l = 0; l < m; l++) {
          const dl = tile[row + l]!;
          if (l !== i && (dl < dj || (dl === dj && l < j))) rank++;
        }
        if (rank > k) penalty += rank - k;
      }
    }
  }
  return 1 - (penalty * 2) / (m * k * (2 * m - 3 * k - 1));
}

/**
 * Mean share of each sampled row's exact k nearest high-D neighbours (searched among all n rows) that
 * are also among its k nearest embedding neighbours (also among all n). Pass `highKnn` (the
 * exactKnnOf(high, sample, k) indices) to reuse the expensive high-D search across embeddings.
 */
export function knnRecall(high: Matrix, low: Matrix, k = 15, sample?: Int32Array, highKnn?: Int32Array): number {
  checkPair(high, low);
  const rows = sample ?? allRows(high.n);
  const hi = highKnn ?? exactKnnOf(high.data, high.n, high.d, rows, k).indices;
  if (hi.length !== rows.length * k) throw new RangeError('knnRecall: highKnn must hold k indices per sampled row');
  const lo = exactKnnOf(low.data, low.n, low.d, rows, k).indices;
  let hits = 0;
  for (let s = 0; s < rows.length; s++) {
    const h = hi.subarray(s * k, s * k + k);
    for (let t = 0; t < k; t++) if (h.includes(lo[s * k + t]!)) hits++;
  }
  return hits / (rows.length * k);
}
