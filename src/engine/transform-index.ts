import type { KnnGraph } from './types';
import type { QueryDistance } from './query-distance';
import { Rng } from './prng';
import { splitRange, type SplitSide } from './rp-tree';
import { hash32 } from './sgd-layout';

/**
 * What a graph search over the fitted points needs, kept in the FittedModel as plain typed arrays:
 * one random-projection tree whose leaves give each query its first candidates, and the fitted kNN
 * graph made undirected (reverse edges find points that are near but not listed as near), which the
 * search walks from those candidates.
 */
export interface SearchIndex {
  tree: SearchTree;
  graph: SearchGraph;
}

/**
 * An RP tree that keeps its splits, so a new point can be routed to a leaf. Internal node t splits by
 * the bisector of fitted rows pivotA[t] and pivotB[t] (−1 for a split that fell back to halving at
 * random: a query then goes either way by its own key). A child code c ≥ 0 is a node, c < 0 is leaf
 * −c−1, which holds order[leafStarts[ℓ] .. leafStarts[ℓ+1]).
 */
export interface SearchTree {
  root: number;
  pivotA: Int32Array;
  pivotB: Int32Array;
  left: Int32Array;
  right: Int32Array;
  order: Int32Array;
  leafStarts: Int32Array;
}

/** CSR adjacency: the neighbours of fitted point i are cols[ptr[i] .. ptr[i+1]), nearest first. */
export interface SearchGraph {
  ptr: Int32Array;
  cols: Int32Array;
}

export function buildSearchTree(x: Float32Array, n: number, d: number, dist: QueryDistance, inv: Float64Array | null, leafSize: number, seed: number): SearchTree {
  const rng = new Rng(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const pivotA: number[] = [];
  const pivotB: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafStarts: number[] = [];
  const rowInv = (i: number) => (inv ? inv[i]! : 0);
  const sideOf: SplitSide = (p, a, b) => dist(x, p * d, rowInv(p), b) - dist(x, p * d, rowInv(p), a);

  // Left subtrees first, so leaves come out in the order of their ranges in `order`.
  const build = (lo: number, hi: number): number => {
    const size = hi - lo;
    if (size <= leafSize) {
      leafStarts.push(lo);
      return -leafStarts.length;
    }
    // On a degenerate split a = b = −1: a query then picks a side by its own key.
    const { a, b, left: nLeft } = splitRange(order, lo, hi, rng, sideOf);
    const node = pivotA.length;
    pivotA.push(a);
    pivotB.push(b);
    left.push(0);
    right.push(0);
    left[node] = build(lo, lo + nLeft);
    right[node] = build(lo + nLeft, hi);
    return node;
  };
  const root = build(0, n);
  leafStarts.push(n);
  return {
    root,
    pivotA: Int32Array.from(pivotA),
    pivotB: Int32Array.from(pivotB),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    order,
    leafStarts: Int32Array.from(leafStarts),
  };
}

/** The leaf a query row falls in. Ties and random splits go by the query's key, never by a shared stream. */
export function descendTree(tree: SearchTree, dist: QueryDistance, q: Float32Array, qo: number, qInv: number, key: number): number {
  let c = tree.root;
  let depth = 0;
  while (c >= 0) {
    const a = tree.pivotA[c]!;
    const b = tree.pivotB[c]!;
    let goLeft: boolean;
    const s = a < 0 ? 0 : dist(q, qo, qInv, b) - dist(q, qo, qInv, a);
    if (s !== 0) goLeft = s > 0;
    else goLeft = (hash32((key ^ Math.imul(depth + 1, 0x9e3779b1)) >>> 0) & 1) === 0;
    c = goLeft ? tree.left[c]! : tree.right[c]!;
    depth++;
  }
  return -c - 1;
}

/**
 * The fitted kNN graph plus its reverse edges, each row sorted nearest first (ties by index) and cut
 * to `maxDegree`, so hubs that many points list do not make every visit expensive.
 */
export function buildSearchGraph(knn: KnnGraph, maxDegree: number): SearchGraph {
  const { n, k, indices, distances } = knn;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      if (j < 0 || j === i) continue;
      counts[i + 1]!++;
      counts[j + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const col = new Int32Array(counts[n]!);
  const dst = new Float32Array(counts[n]!);
  const fill = counts.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      if (j < 0 || j === i) continue;
      const dd = distances[i * k + t]!;
      let p = fill[i]!++;
      col[p] = j;
      dst[p] = dd;
      p = fill[j]!++;
      col[p] = i;
      dst[p] = dd;
    }
  }
  const ptr = new Int32Array(n + 1);
  const out: number[] = [];
  const row: number[] = [];
  for (let i = 0; i < n; i++) {
    row.length = 0;
    for (let p = counts[i]!; p < counts[i + 1]!; p++) row.push(p);
    row.sort((x, y) => dst[x]! - dst[y]! || col[x]! - col[y]!);
    let kept = 0;
    let last = -1;
    for (const p of row) {
      if (kept >= maxDegree) break;
      const j = col[p]!;
      // A pair listed both ways appears twice, at the same distance, so duplicates are adjacent.
      if (j === last) continue;
      out.push(j);
      last = j;
      kept++;
    }
    ptr[i + 1] = out.length;
  }
  return { ptr, cols: Int32Array.from(out) };
}
