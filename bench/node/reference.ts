// Quality scoring for the bench, on the app's own metrics (bench/quality.ts). The exact high-D
// neighbours of the sample are the expensive part, so they are computed once per dataset and reused
// for every implementation (and cached on disk by scripts/bench.mjs).
import { DEFAULT_SAMPLE_SEED, exactKnnOf, knnAccuracy, knnRecall, sampleIndices, trustworthiness } from '../quality';
import type { Matrix } from '../../src/engine/types';

/** Bump when the reference's meaning changes, so stale disk caches are ignored. */
export const QUALITY_VERSION = 1;

export interface Reference {
  high: Matrix;
  labels: Int32Array | null;
  sample: Int32Array;
  sampleSize: number;
  highKnn: Int32Array;
  k: number;
}

export interface ReferenceInput {
  data: Float32Array;
  n: number;
  d: number;
  labels: Int32Array | null;
  sample: number;
  metric: 'euclidean' | 'cosine';
  k: number;
}

/** Cosine neighbours are euclidean neighbours of unit rows: the scorer normalises the same way. */
function forMetric(data: Float32Array, n: number, d: number, metric: 'euclidean' | 'cosine'): Float32Array {
  if (metric === 'euclidean') return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d; t < i * d + d; t++) s += data[t]! * data[t]!;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let t = i * d; t < i * d + d; t++) out[t] = data[t]! * inv;
  }
  return out;
}

export function makeReference(o: ReferenceInput): Reference {
  const high: Matrix = { data: forMetric(o.data, o.n, o.d, o.metric), n: o.n, d: o.d };
  // The scorer's fixed sample seed, so numbers line up with /work/shared/tools/embedding_quality.py.
  const sample = sampleIndices(o.n, o.sample, DEFAULT_SAMPLE_SEED);
  const highKnn = exactKnnOf(high.data, o.n, o.d, sample, o.k).indices;
  return { high, labels: o.labels, sample, sampleSize: sample.length, highKnn, k: o.k };
}

export interface SerialisedReference {
  metric: 'euclidean' | 'cosine';
  sample: number[];
  highKnn: number[];
  k: number;
}

export function serialiseReference(r: Reference, metric: 'euclidean' | 'cosine'): SerialisedReference {
  return { metric, sample: Array.from(r.sample), highKnn: Array.from(r.highKnn), k: r.k };
}

export function reviveReference(s: SerialisedReference, data: Float32Array, n: number, d: number, labels: Int32Array | null): Reference {
  const sample = Int32Array.from(s.sample);
  return { high: { data: forMetric(data, n, d, s.metric), n, d }, labels, sample, sampleSize: sample.length, highKnn: Int32Array.from(s.highKnn), k: s.k };
}

export interface Scores {
  trustworthiness: number;
  knnRecall: number;
  knnAccuracy: number | null;
}

export function scoreEmbedding(r: Reference, embedding: Float32Array): Scores {
  const low: Matrix = { data: embedding, n: r.high.n, d: embedding.length / r.high.n };
  if (!embedding.every(Number.isFinite)) return { trustworthiness: NaN, knnRecall: NaN, knnAccuracy: null };
  return {
    trustworthiness: trustworthiness(r.high, low, r.k, r.sample),
    knnRecall: knnRecall(r.high, low, r.k, r.sample, r.highKnn),
    knnAccuracy: r.labels ? knnAccuracy(low, r.labels, 10, r.sample) : null,
  };
}
