// Quality of points placed into a finished map (issue 12, "Quality"), with Q = the new points and R =
// the fitted points, exact euclidean neighbours in the original space (X) and in the map (E):
// - recall@15: mean over q of |N15_X(q; R) ∩ N15_E(q; R)| / 15;
// - 10-NN accuracy: q's label by majority vote of its 10 nearest R points in E (labels of R);
// - trustworthiness@15 of Q alone (sklearn's definition on Q's rows in both spaces).
// scripts/umap_learn_transform_ref.py computes the same three numbers for umap-learn. Ties in distance
// go to the lower row index on both sides, so integer data such as digits scores the same in each.
import { bruteKnn, predictLabels, sampleIndices, trustworthiness } from './quality';
import type { Matrix } from '../src/engine/types';

export interface NewPointInput {
  /** R in the original space, n × d. */
  fitted: Matrix;
  /** R in the map, n × dim. */
  fittedMap: Matrix;
  /** Q in the original space, m × d. */
  added: Matrix;
  /** Q in the map, m × dim. */
  addedMap: Matrix;
  /** Labels of R and of Q, coded together (the same label has the same code in both). */
  fittedLabels?: ArrayLike<number> | null;
  addedLabels?: ArrayLike<number> | null;
  /** Rows of Q to score (sorted); default every row. */
  sample?: Int32Array;
}

export interface NewPointQuality {
  /** How many new points were scored (the sample, or all of Q). */
  scored: number;
  recall15: number;
  /** Null without labels for both R and Q. */
  accuracy10: number | null;
  trustworthiness15: number;
}

/** The Q sample the bench and the Python twin both score: all of Q up to `max`, else numpy's draw with seed 42. */
export function newPointSample(m: number, max: number): Int32Array {
  return sampleIndices(m, Math.min(m, max), 42);
}

/**
 * k nearest R rows of each sampled Q row, in one space: the sampled Q rows go after R in one matrix,
 * and a group per side keeps Q rows from finding each other.
 */
function nearestFitted(fitted: Matrix, added: Matrix, sample: Int32Array, k: number): Int32Array {
  const { n, d } = fitted;
  if (added.d !== d) throw new RangeError(`new-point quality: the new points have ${added.d} columns, the fitted ones ${d}`);
  if (k > n) throw new RangeError(`new-point quality: k=${k} is more than the ${n} fitted points`);
  const m = sample.length;
  const data = new Float32Array((n + m) * d);
  data.set(fitted.data.subarray(0, n * d));
  for (let s = 0; s < m; s++) data.set(added.data.subarray(sample[s]! * d, sample[s]! * d + d), (n + s) * d);
  const group = new Int32Array(n + m);
  group.fill(1, n);
  const queries = Int32Array.from({ length: m }, (_, s) => n + s);
  return bruteKnn(data, n + m, d, queries, k, group).indices;
}

function checkShapes(o: NewPointInput): void {
  if (o.fittedMap.n !== o.fitted.n) throw new RangeError(`new-point quality: ${o.fitted.n} fitted rows but ${o.fittedMap.n} fitted map rows`);
  if (o.addedMap.n !== o.added.n) throw new RangeError(`new-point quality: ${o.added.n} new rows but ${o.addedMap.n} new map rows`);
  if (o.addedMap.d !== o.fittedMap.d) throw new RangeError(`new-point quality: the maps have ${o.fittedMap.d} and ${o.addedMap.d} columns`);
  if (o.fittedLabels && o.fittedLabels.length !== o.fitted.n) throw new RangeError(`new-point quality: ${o.fittedLabels.length} labels for ${o.fitted.n} fitted rows`);
  if (o.addedLabels && o.addedLabels.length !== o.added.n) throw new RangeError(`new-point quality: ${o.addedLabels.length} labels for ${o.added.n} new rows`);
}

export function newPointQuality(o: NewPointInput, k = 15, kAccuracy = 10): NewPointQuality {
  checkShapes(o);
  const sample = o.sample ?? Int32Array.from({ length: o.added.n }, (_, i) => i);
  const m = sample.length;
  const inX = nearestFitted(o.fitted, o.added, sample, k);
  const inE = nearestFitted(o.fittedMap, o.addedMap, sample, Math.max(k, kAccuracy));
  const kE = Math.max(k, kAccuracy);
  let hits = 0;
  for (let s = 0; s < m; s++) {
    const truth = inX.subarray(s * k, s * k + k);
    for (let t = 0; t < k; t++) if (truth.includes(inE[s * kE + t]!)) hits++;
  }
  let accuracy10: number | null = null;
  if (o.fittedLabels && o.addedLabels) {
    const nearest = new Int32Array(m * kAccuracy);
    for (let s = 0; s < m; s++) nearest.set(inE.subarray(s * kE, s * kE + kAccuracy), s * kAccuracy);
    const predicted = predictLabels({ indices: nearest, k: kAccuracy }, o.fittedLabels, m);
    let correct = 0;
    for (let s = 0; s < m; s++) if (predicted[s] === o.addedLabels[sample[s]!]) correct++;
    accuracy10 = correct / m;
  }
  return { scored: m, recall15: hits / (m * k), accuracy10, trustworthiness15: trustworthiness(o.added, o.addedMap, k, sample) };
}
