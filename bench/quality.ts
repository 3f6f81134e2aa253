// Embedding quality metrics, defined exactly as the shared scorer /work/shared/tools/embedding_quality.py
// (sklearn) defines them, so the app, the unit tests and the benchmark report the numbers it would:
// - trustworthiness@k: sklearn.manifold.trustworthiness computed on the sample only (both spaces
//   restricted to the sampled rows, n in the normalisation = sample size);
// - kNN recall@k: exact k-NN of each sampled row searched among all n rows in each space, self excluded;
// - kNN accuracy: a k-NN classifier in the embedding; test = sample and train = the rest, or sklearn's
//   5-fold StratifiedKFold CV when the sample is every row.
// The default sample is the scorer's: sampleIndices(n, 5000, 42) reproduces its numpy draw exactly.
import { exactRowScale } from '../src/engine/knn-exact';
import { numpyChoiceSorted } from './numpy-sample';
import type { Matrix } from '../src/engine/types';

export const DEFAULT_SAMPLE_SIZE = 5000;
export const DEFAULT_SAMPLE_SEED = 42;

/** Sorted distinct row indices; identical to the scorer's `np.sort(default_rng(seed).choice(n, m, replace=False))`. */
export function sampleIndices(n: number, m: number, seed: number = DEFAULT_SAMPLE_SEED): Int32Array {
  return numpyChoiceSorted(n, Math.min(m, n), seed);
}

function defaultSample(n: number): Int32Array {
  return sampleIndices(n, DEFAULT_SAMPLE_SIZE, DEFAULT_SAMPLE_SEED);
}

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

function allRows(n: number): Int32Array {
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
 * and n in the normalisation is the sample size. Without a sample, the scorer's default sample is used.
 */
export function trustworthiness(high: Matrix, low: Matrix, k = 15, sample?: Int32Array): number {
  checkPair(high, low);
  const rows = sample ?? defaultSample(high.n);
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
  const rows = sample ?? defaultSample(high.n);
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

/** sklearn StratifiedKFold(n_splits, shuffle=False) test-fold of every row. */
export function stratifiedFolds(labels: ArrayLike<number>, nSplits = 5): Int32Array {
  const n = labels.length;
  // Classes numbered by first appearance, as sklearn does before allocating.
  const code = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = code.get(labels[i]!);
    if (c === undefined) {
      c = code.size;
      code.set(labels[i]!, c);
    }
    encoded[i] = c;
  }
  const nClasses = code.size;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) counts[encoded[i]!]!++;
  // allocation[f][c] = how many of class c land in fold f: bincount(sorted_codes[f::nSplits]).
  const allocation = new Int32Array(nSplits * nClasses);
  let pos = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let r = 0; r < counts[c]!; r++, pos++) allocation[(pos % nSplits) * nClasses + c]!++;
  }
  const folds = new Int32Array(n);
  const fold = new Int32Array(nClasses);
  const used = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) {
    const c = encoded[i]!;
    while (used[c]! >= allocation[fold[c]! * nClasses + c]!) {
      fold[c]!++;
      used[c] = 0;
    }
    folds[i] = fold[c]!;
    used[c]!++;
  }
  return folds;
}

/** Majority label of each query's neighbours; a tie goes to the smallest label, as sklearn's mode does. */
export function predictLabels(nn: Pick<QueryKnn, 'indices' | 'k'>, labels: ArrayLike<number>, queries: number): Float64Array {
  const out = new Float64Array(queries);
  const votes = new Map<number, number>();
  for (let q = 0; q < queries; q++) {
    votes.clear();
    for (let t = 0; t < nn.k; t++) {
      const j = nn.indices[q * nn.k + t]!;
      if (j < 0) continue;
      const y = labels[j]!;
      votes.set(y, (votes.get(y) ?? 0) + 1);
    }
    let best = NaN;
    let bestVotes = -1;
    for (const [y, v] of votes) {
      if (v > bestVotes || (v === bestVotes && y < best)) {
        best = y;
        bestVotes = v;
      }
    }
    out[q] = best;
  }
  return out;
}

/**
 * k-NN classifier accuracy in the embedding (the scorer's knn10_acc_2d). When the sample is every row:
 * mean accuracy over sklearn's 5 stratified folds; otherwise train on the rows outside the sample and
 * test on the sample.
 */
export function knnAccuracy(low: Matrix, labels: ArrayLike<number>, k = 10, sample?: Int32Array): number {
  if (labels.length !== low.n) throw new RangeError(`knnAccuracy: ${labels.length} labels for ${low.n} rows`);
  const rows = sample ?? defaultSample(low.n);
  if (rows.length === low.n) {
    const folds = stratifiedFolds(labels, 5);
    const nn = bruteKnn(low.data, low.n, low.d, allRows(low.n), k, folds);
    const predicted = predictLabels(nn, labels, low.n);
    const correct = new Float64Array(5);
    const size = new Float64Array(5);
    for (let i = 0; i < low.n; i++) {
      size[folds[i]!]!++;
      if (predicted[i] === labels[i]) correct[folds[i]!]!++;
    }
    let sum = 0;
    for (let f = 0; f < 5; f++) sum += correct[f]! / size[f]!;
    return sum / 5;
  }
  const inSample = new Int32Array(low.n);
  for (const r of rows) inSample[r] = 1;
  const nn = bruteKnn(low.data, low.n, low.d, rows, k, inSample);
  const predicted = predictLabels(nn, labels, rows.length);
  let correct = 0;
  for (let s = 0; s < rows.length; s++) if (predicted[s] === labels[rows[s]!]) correct++;
  return correct / rows.length;
}

export interface QualityReport {
  n: number;
  sampleSize: number;
  trustworthiness15: number;
  knnRecall15: number;
  /** Present when labels were given. */
  knn10Accuracy?: number;
  knn10AccuracyMode?: '5-fold CV' | 'test=sample';
}

/** All of the scorer's numbers for one embedding, on the scorer's sample (or the one given). */
export function embeddingQuality(high: Matrix, low: Matrix, opts: { labels?: ArrayLike<number>; sample?: Int32Array; highKnn?: Int32Array } = {}): QualityReport {
  checkPair(high, low);
  const sample = opts.sample ?? defaultSample(high.n);
  const report: QualityReport = {
    n: high.n,
    sampleSize: sample.length,
    trustworthiness15: trustworthiness(high, low, 15, sample),
    knnRecall15: knnRecall(high, low, 15, sample, opts.highKnn),
  };
  if (opts.labels) {
    report.knn10Accuracy = knnAccuracy(low, opts.labels, 10, sample);
    report.knn10AccuracyMode = sample.length === high.n ? '5-fold CV' : 'test=sample';
  }
  return report;
}
