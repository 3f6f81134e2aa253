import type { FuzzyGraph, KnnGraph } from './types';

/**
 * umap-learn's compute_membership_strengths: the weight of each directed kNN edge i → c,
 * exp(−(d − ρᵢ)/σᵢ), or 1 within ρᵢ. Laid out like the kNN graph (row-major n × k); a point's edge to
 * itself and a missing neighbour (index −1) get 0.
 */
export function computeMembershipStrengths(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array): Float32Array {
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
  return w;
}

/**
 * umap-learn's fuzzy_simplicial_set from the kNN graph and its smooth_knn_dist output (which the
 * engine computes first, in resumable row chunks): the membership strengths, then the fuzzy union.
 */
export function fuzzySimplicialSet(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array, setOpMixRatio: number): FuzzyGraph {
  return fuzzyUnion(knn, computeMembershipStrengths(knn, rhos, sigmas), setOpMixRatio);
}

/**
 * The fuzzy union A + Aᵀ − A∘Aᵀ (set_op_mix_ratio blends towards the intersection) of the directed
 * membership strengths w, built as CSR rows sorted by column: memory is O(n·k) typed arrays, never a
 * Map or object-keyed matrix.
 */
function fuzzyUnion(knn: KnnGraph, w: Float32Array, mix: number): FuzzyGraph {
  const { n, k, indices } = knn;
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
