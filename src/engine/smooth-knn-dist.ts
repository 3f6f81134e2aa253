import type { KnnGraph } from './types';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * umap-learn's smooth_knn_dist for rows [start, end): rho is the distance to the nearest other point
 * (local connectivity 1), sigma is found by bisection so that the row's memberships sum to log2(k).
 * Row-ranged so the graph phase can stop and resume at any chunk of points; rhos and sigmas are
 * written in place for those rows.
 */
export function smoothKnnDist(knn: KnnGraph, localConnectivity: number, meanAllDistances: number, start: number, end: number, rhos: Float32Array, sigmas: Float32Array): void {
  const { k, distances } = knn;
  const target = Math.log2(k);
  const nonZero = new Float64Array(k);
  for (let i = start; i < end; i++) {
    const base = i * k;
    let nz = 0;
    let rowSum = 0;
    for (let j = 0; j < k; j++) {
      const v = distances[base + j]!;
      rowSum += v;
      if (v > 0) nonZero[nz++] = v;
    }
    let rho = 0;
    if (nz >= localConnectivity) {
      const index = Math.floor(localConnectivity);
      const interp = localConnectivity - index;
      if (index > 0) {
        rho = nonZero[index - 1]!;
        if (interp > SMOOTH_K_TOLERANCE) rho += interp * (nonZero[index]! - nonZero[index - 1]!);
      } else {
        rho = interp * nonZero[0]!;
      }
    } else if (nz > 0) {
      rho = nonZero[nz - 1]!;
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const dd = distances[base + j]! - rho;
        psum += dd > 0 ? Math.exp(-(dd / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        if (hi === Infinity) mid *= 2;
        else mid = (lo + hi) / 2;
      }
    }
    if (rho > 0) {
      const meanRow = rowSum / k;
      if (mid < MIN_K_DIST_SCALE * meanRow) mid = MIN_K_DIST_SCALE * meanRow;
    } else if (mid < MIN_K_DIST_SCALE * meanAllDistances) {
      mid = MIN_K_DIST_SCALE * meanAllDistances;
    }
    rhos[i] = rho;
    sigmas[i] = mid;
  }
}

/** The mean of every kNN distance: smooth_knn_dist's floor for sigma where rho is 0. */
export function meanDistance(knn: KnnGraph): number {
  let s = 0;
  for (let t = 0; t < knn.distances.length; t++) s += knn.distances[t]!;
  return s / knn.distances.length;
}
