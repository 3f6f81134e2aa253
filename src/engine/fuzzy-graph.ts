import type { FuzzyGraph, KnnGraph } from './types';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * umap-learn's smooth_knn_dist for rows [start, end): rho is the distance to the nearest other point
 * (local connectivity 1), sigma is found by bisection so that the row's memberships sum to log2(k).
 * Row-ranged so the phase can stop and resume at any chunk of points.
 */
export function smoothKnnRows(
  knn: KnnGraph,
  localConnectivity: number,
  meanAllDistances: number,
  start: number,
  end: number,
  rhos: Float32Array,
  sigmas: Float32Array,
): void {
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

export function meanDistance(knn: KnnGraph): number {
  let s = 0;
  for (let t = 0; t < knn.distances.length; t++) s += knn.distances[t]!;
  return s / knn.distances.length;
}

/**
 * The fuzzy union A + Aᵀ − A∘Aᵀ (set_op_mix_ratio blends towards the intersection), built as CSR
 * rows sorted by column: memory is O(n·k) typed arrays, never a Map or object-keyed matrix.
 */
export function fuzzyUnion(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array, mix: number): FuzzyGraph {
  const { n, k, indices, distances } = knn;
  const w = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const c = indices[t]!;
      if (c < 0 || c === i) continue;
      const dd = distances[t]! - rhos[i]!;
      w[t] = dd <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-(dd / sigmas[i]!));
    }
  }
  // Each directed edge (i→c) appears once in A; (c→i) from Aᵀ. Bucket both by row.
  const counts = new Int32Array(n + 1);
  for (let t = 0; t < n * k; t++) {
    if (w[t]! <= 0) continue;
    counts[Math.floor(t / k) + 1]!++;
    counts[indices[t]! + 1]!++;
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const total = counts[n]!;
  const col = new Int32Array(total);
  const fwd = new Float32Array(total); // A[i][c]
  const back = new Float32Array(total); // Aᵀ[i][c] = A[c][i]
  const fill = counts.slice(0, n);
  for (let t = 0; t < n * k; t++) {
    const v = w[t]!;
    if (v <= 0) continue;
    const i = Math.floor(t / k);
    const c = indices[t]!;
    let p = fill[i]!++;
    col[p] = c;
    fwd[p] = v;
    p = fill[c]!++;
    col[p] = i;
    back[p] = v;
  }
  // Sort each row by column and merge the (at most two) entries per pair.
  const order: number[] = [];
  const outRows = new Int32Array(total);
  const outCols = new Int32Array(total);
  const outW = new Float32Array(total);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const lo = counts[i]!;
    const hi = counts[i + 1]!;
    order.length = 0;
    for (let p = lo; p < hi; p++) order.push(p);
    order.sort((x, y) => col[x]! - col[y]!);
    for (let q = 0; q < order.length; q++) {
      const p = order[q]!;
      let a = fwd[p]!;
      let b = back[p]!;
      if (q + 1 < order.length && col[order[q + 1]!] === col[p]) {
        const p2 = order[++q]!;
        a += fwd[p2]!;
        b += back[p2]!;
      }
      const prod = a * b;
      const v = mix * (a + b - prod) + (1 - mix) * prod;
      if (v <= 0) continue;
      outRows[m] = i;
      outCols[m] = col[p]!;
      outW[m] = v;
      m++;
    }
  }
  return { n, rows: outRows.slice(0, m), cols: outCols.slice(0, m), weights: outW.slice(0, m) };
}

/** Row pointers of a row-sorted COO graph (rows are sorted by construction). */
export function rowPointers(g: FuzzyGraph): Int32Array {
  const ptr = new Int32Array(g.n + 1);
  for (let t = 0; t < g.rows.length; t++) ptr[g.rows[t]! + 1]!++;
  for (let i = 0; i < g.n; i++) ptr[i + 1]! += ptr[i]!;
  return ptr;
}
