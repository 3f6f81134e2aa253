// Embedding quality metrics, defined exactly as the shared scorer /work/shared/tools/embedding_quality.py
// (sklearn) defines them, so the app, the unit tests and the benchmark report the numbers it would:
// - trustworthiness@k: sklearn.manifold.trustworthiness computed on the sample only (both spaces
//   restricted to the sampled rows, n in the normalisation = sample size);
// - kNN recall@k: exact k-NN of each sampled row searched among all n rows in each space, self excluded;
// - kNN accuracy: a k-NN classifier in the embedding; test = sample and train = the rest, or sklearn's
//   5-fold StratifiedKFold CV when the sample is every row.
// The default sample is the scorer's: sampleIndices(n, 5000, 42) reproduces its numpy draw exactly.
// trustworthiness and kNN recall themselves live in src/engine/quality.ts, shared with the app.
import { allRows, bruteKnn, exactKnnOf, knnRecall as knnRecallOn, trustworthiness as trustworthinessOn, type QueryKnn } from '../src/engine/quality';
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

export { bruteKnn, exactKnnOf, type QueryKnn };

/** The app's trustworthiness (src/engine/quality.ts); without a sample, the scorer's default sample. */
export function trustworthiness(high: Matrix, low: Matrix, k = 15, sample?: Int32Array): number {
  return trustworthinessOn(high, low, k, sample ?? defaultSample(high.n));
}

/** The app's kNN recall (src/engine/quality.ts); without a sample, the scorer's default sample. */
export function knnRecall(high: Matrix, low: Matrix, k = 15, sample?: Int32Array, highKnn?: Int32Array): number {
  return knnRecallOn(high, low, k, sample ?? defaultSample(high.n), highKnn);
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
  if (high.n !== low.n) throw new RangeError(`quality: ${high.n} high-D rows but ${low.n} embedding rows`);
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
