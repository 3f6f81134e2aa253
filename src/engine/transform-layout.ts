import type { Metric } from './types';
import { smoothKnnDist } from './smooth-knn-dist';
import { exactAttract, exactRepel, lookup, makeGradientTable, type GradientTable } from './gradient-table';
import { learningRate } from './optimize-layout';
import { hash32, type LayoutConstants } from './sgd-layout';

/**
 * The three steps after the search, as umap-learn's transform runs them, each over a range of new
 * points (a pool could split them by range): membership strengths of each new point's edges to its
 * fitted neighbours, its start at their weighted mean, and SGD that moves only the new points against
 * the fitted map, which is read and never written.
 */

/** Cosine distances at 2 mean opposite vectors: umap-learn's disconnection distance drops such edges. */
const COSINE_DISCONNECTED = 2;

/**
 * Membership weights of rows [start, end) of a new-point kNN (m × k, no self), written into
 * weights[start*k ..]: smooth kNN distances with local connectivity reduced by one (the nearest fitted
 * point is a neighbour, not the point itself, so it is not granted weight 1), and no symmetrisation:
 * the new points form a bipartite graph with the fitted ones. `meanFitDistance` stands in for
 * umap-learn's mean over the batch, so the sigma floor does not depend on the batch.
 */
export function membershipRange(
  indices: Int32Array,
  distances: Float32Array,
  k: number,
  start: number,
  end: number,
  localConnectivity: number,
  meanFitDistance: number,
  metric: Metric,
  weights: Float32Array,
): void {
  const m = end - start;
  const rhos = new Float32Array(m);
  const sigmas = new Float32Array(m);
  const rows = { indices: indices.subarray(start * k, end * k), distances: distances.subarray(start * k, end * k), n: m, k };
  smoothKnnDist(rows, Math.max(0, localConnectivity - 1), meanFitDistance, 0, m, rhos, sigmas);
  for (let r = 0; r < m; r++) {
    for (let t = 0; t < k; t++) {
      const e = (start + r) * k + t;
      const dist = distances[e]!;
      if (indices[e]! < 0 || !Number.isFinite(dist) || (metric === 'cosine' && dist >= COSINE_DISCONNECTED)) {
        weights[e] = 0;
        continue;
      }
      const dd = dist - rhos[r]!;
      weights[e] = dd <= 0 || sigmas[r] === 0 ? 1 : Math.exp(-(dd / sigmas[r]!));
    }
  }
}

/**
 * Start positions of new points [start, end): on a fitted point it duplicates (weight 1), else the
 * weighted mean of its neighbours' fitted positions. With no weighted edge at all (every neighbour
 * disconnected) the plain mean of its neighbours stands in for umap-learn's NaN, so the map stays drawable.
 */
export function initRange(indices: Int32Array, weights: Float32Array, k: number, start: number, end: number, fitted: Float32Array, dim: number, out: Float32Array): void {
  const acc = new Float64Array(dim);
  for (let i = start; i < end; i++) {
    acc.fill(0);
    let total = 0;
    let exact = -1;
    let plain = 0;
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      const w = weights[i * k + t]!;
      if (w === 1) {
        exact = j;
        break;
      }
      if (w > 0) {
        for (let c = 0; c < dim; c++) acc[c]! += w * fitted[j * dim + c]!;
        total += w;
      }
    }
    if (exact >= 0) {
      for (let c = 0; c < dim; c++) out[i * dim + c] = fitted[exact * dim + c]!;
      continue;
    }
    if (!(total > 0)) {
      for (let t = 0; t < k; t++) {
        const j = indices[i * k + t]!;
        if (j < 0) continue;
        for (let c = 0; c < dim; c++) acc[c]! += fitted[j * dim + c]!;
        plain++;
      }
      total = plain;
    }
    for (let c = 0; c < dim; c++) out[i * dim + c] = total > 0 ? acc[c]! / total : 0;
  }
}

/** The edges a new point trains on and what it repels from. */
export interface TransformLayoutInput {
  indices: Int32Array;
  weights: Float32Array;
  k: number;
  keys: Uint32Array;
  /** The fitted map (n × dim): read only. */
  fitted: Float32Array;
  fittedN: number;
}

/**
 * One epoch for new points [start, end), updating `emb` in place. A new point reads only its own
 * position and the fixed fitted map, so points are independent of each other and of the order they
 * run in. An edge of weight w is sampled every wmax/w epochs, wmax being the point's own strongest
 * edge: umap-learn scales by the batch's strongest edge, which would make a point's schedule depend
 * on its batch; per point, every point is scheduled as umap-learn schedules a point transformed on
 * its own. Edges too weak to be sampled once are skipped, and each sample pulls the point towards its
 * fitted neighbour and pushes it away from negative samples among the fitted points. Every draw is a
 * hash of (seed, epoch, the point's key, its edge slot, the sample), so a point moves the same in any batch.
 */
export function transformEpochRange(g: TransformLayoutInput, emb: Float32Array, start: number, end: number, epoch: number, c: LayoutConstants): void {
  const { indices, weights, k, keys, fitted, fittedN: n } = g;
  const dim = c.nComponents;
  const { a, b, gamma } = c;
  const alpha = learningRate(c, epoch);
  const nNeg = c.negativeSampleRate;
  const T = tableFor(a, b, gamma);
  const epochKey = hash32((c.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  const cur = new Float64Array(dim);
  for (let i = start; i < end; i++) {
    for (let t = 0; t < dim; t++) cur[t] = emb[i * dim + t]!;
    const pointKey = hash32((epochKey ^ keys[i]!) >>> 0);
    let wmax = 0;
    for (let s = 0; s < k; s++) if (weights[i * k + s]! > wmax) wmax = weights[i * k + s]!;
    const cut = wmax / c.nEpochs;
    for (let s = 0; s < k; s++) {
      const w = weights[i * k + s]!;
      if (!(w > 0 && w >= cut) || !sampled(wmax / w, epoch)) continue;
      const jo = indices[i * k + s]! * dim;
      let d2 = 0;
      for (let t = 0; t < dim; t++) d2 += (cur[t]! - fitted[jo + t]!) ** 2;
      if (d2 > 0) {
        const coeff = d2 < T.exactBelow ? exactAttract(d2, a, b) : lookup(T.attract, T.size, d2);
        for (let t = 0; t < dim; t++) cur[t]! += clip4(coeff * (cur[t]! - fitted[jo + t]!)) * alpha;
      }
      let r = hash32((pointKey ^ Math.imul(s + 1, 0x85ebca77)) >>> 0);
      for (let p = 0; p < nNeg; p++) {
        r = hash32((r + 0x6d2b79f5) >>> 0);
        const ko = Math.floor(r * n * 2.3283064365386963e-10) * dim; // r·n/2³²: exact, and no fmod
        let dn = 0;
        for (let t = 0; t < dim; t++) dn += (cur[t]! - fitted[ko + t]!) ** 2;
        if (dn > 0) {
          const coeff = dn < T.exactBelow ? exactRepel(dn, a, b, gamma) : lookup(T.repel, T.size, dn);
          for (let t = 0; t < dim; t++) cur[t]! += clip4(coeff * (cur[t]! - fitted[ko + t]!)) * alpha;
        } else {
          // On top of a fitted point: umap-learn pushes with the clip value so they separate.
          for (let t = 0; t < dim; t++) cur[t]! += 4 * alpha;
        }
      }
    }
    for (let t = 0; t < dim; t++) emb[i * dim + t] = cur[t]!;
  }
}

/** Whether an edge with this schedule is sampled in this epoch: a multiple of eps in (epoch, epoch+1]. */
function sampled(eps: number, epoch: number): boolean {
  return Math.floor((epoch + 1) / eps) > Math.floor(epoch / eps);
}

function clip4(g: number): number {
  return g > 4 ? 4 : g < -4 ? -4 : g;
}

let cached: GradientTable | null = null;

function tableFor(a: number, b: number, gamma: number): GradientTable {
  if (!cached || cached.a !== a || cached.b !== b || cached.gamma !== gamma) cached = makeGradientTable(a, b, gamma);
  return cached;
}
