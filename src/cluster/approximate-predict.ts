// Clusters for points added to a finished map, in the style of hdbscan's approximate_predict: a new
// point joins the cluster of the fitted point it is most mutually reachable from, or is noise. The
// fitted clustering is never re-run, so the fitted points keep their ids and colours.
import { buildKdTree, kthDistanceSearch, kthNeighbourDistances } from './kd-tree';

/** What the fitted clustering leaves behind for placing new points: per point and per cluster. */
export interface PredictModel {
  /** The fitted points' positions in the space they were clustered in (the map). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** The fitted points' clusters (-1 noise). */
  labels: Int32Array;
  /** The fitted points' core distances on the map. */
  core: Float64Array;
  /** Per cluster id: the largest core distance among its members (its density threshold). */
  clusterReach: Float64Array;
  minSamples: number;
  /** A new point's core distance: to its (min_samples − 1)-th nearest fitted point on the map. */
  coreOf(px: number, py: number): number;
}

/**
 * Core distances of the fitted map's points with the same min_samples HDBSCAN used, and the
 * widest core distance inside each cluster. O(n log n) once per map, not per batch.
 */
export function predictModel(x: ArrayLike<number>, y: ArrayLike<number>, labels: Int32Array, minSamples: number): PredictModel {
  if (x.length !== labels.length || y.length !== labels.length) throw new Error(`The clusters cover ${labels.length} points but the map has ${x.length}.`);
  const tree = buildKdTree(x, y);
  const core = kthNeighbourDistances(tree, minSamples);
  // Were the new point among the fitted ones it would be its own first neighbour, hence min_samples − 1.
  const search = minSamples > 1 && labels.length > 0 ? kthDistanceSearch(tree, minSamples - 1) : null;
  let maxId = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxId) maxId = labels[i]!;
  const clusterReach = new Float64Array(maxId + 1);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c >= 0 && core[i]! > clusterReach[c]!) clusterReach[c] = core[i]!;
  }
  return { x, y, labels, core, clusterReach, minSamples, coreOf: (px, py) => (search ? search(px, py) : 0) };
}

/** The new points: their map positions and their k nearest fitted rows (high-D), nearest first. */
export interface NewPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  indices: Int32Array;
  k: number;
}

/**
 * A cluster per new point, by this rule (documented in the README, "Exploring"):
 * 1. Its candidates are its k nearest fitted rows in the original space (the transform's kNN).
 *    When more than half of them are noise, it is noise: it sits where the fitted map is sparse.
 * 2. Its own core distance is HDBSCAN's, on the map: the distance to its min_samples-th nearest
 *    point, itself counted first, among the fitted points. Its mutual reachability to candidate j is
 *    max(own core, core_j, distance to j); it takes the cluster of the non-noise candidate with
 *    the smallest one (ties: the nearer in the original space).
 * 3. It is noise when that reachability exceeds the cluster's widest core distance: no member
 *    needed so long a link, so the point lies beyond the density at which the cluster exists
 *    (hdbscan's approximate_predict compares the point's lambda with the cluster's the same way).
 */
export function approximatePredict(model: PredictModel, pts: NewPoints): Int32Array {
  const m = pts.x.length;
  const k = pts.k;
  if (pts.y.length !== m || pts.indices.length !== m * k) throw new Error(`Expected ${m} positions and ${m} × ${k} neighbour indices, got ${pts.y.length} and ${pts.indices.length}.`);
  const n = model.labels.length;
  const out = new Int32Array(m).fill(-1);
  if (k === 0) return out;
  const dist = new Float64Array(k);
  for (let q = 0; q < m; q++) {
    const qx = pts.x[q]!;
    const qy = pts.y[q]!;
    let noise = 0;
    for (let j = 0; j < k; j++) {
      const r = pts.indices[q * k + j]!;
      if (!(r >= 0 && r < n)) throw new Error(`New point ${q + 1}: neighbour ${r} is not a fitted point (the map has ${n}).`);
      if (model.labels[r]! < 0) noise++;
      dist[j] = Math.hypot(qx - model.x[r]!, qy - model.y[r]!);
    }
    if (2 * noise > k) continue;
    const own = model.coreOf(qx, qy);
    let best = -1;
    let bestReach = Infinity;
    for (let j = 0; j < k; j++) {
      const r = pts.indices[q * k + j]!;
      if (model.labels[r]! < 0) continue;
      const reach = Math.max(own, model.core[r]!, dist[j]!);
      if (reach < bestReach) {
        bestReach = reach;
        best = r;
      }
    }
    const c = model.labels[best]!;
    if (bestReach <= model.clusterReach[c]!) out[q] = c;
  }
  return out;
}
