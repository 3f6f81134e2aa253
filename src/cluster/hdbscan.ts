import { buildKdTree, kthNeighbourDistances } from './kd-tree';
import { mutualReachabilityMst } from './mst';

export interface HdbscanOptions {
  /** Smallest group of points that counts as a cluster (HDBSCAN's min_cluster_size). */
  minClusterSize: number;
  /** Neighbours, the point itself included, that set a point's core distance; default min(minClusterSize, 16). */
  minSamples?: number;
}

export interface HdbscanResult {
  /** Cluster per point, 0…clusterCount-1, or -1 for noise. */
  labels: Int32Array;
  clusterCount: number;
}

function validateHdbscanOptions(opts: HdbscanOptions): void {
  if (!Number.isInteger(opts.minClusterSize) || opts.minClusterSize < 2) throw new Error(`Minimum cluster size must be a whole number of at least 2 (got ${opts.minClusterSize}).`);
  if (opts.minSamples !== undefined && (!Number.isInteger(opts.minSamples) || opts.minSamples < 1))
    throw new Error(`min_samples must be a whole number of at least 1 (got ${opts.minSamples}).`);
}

/**
 * HDBSCAN of 2-D points (Campello, Moulavi & Sander 2013; McInnes & Healy's accelerated variant):
 * core distances from a kd-tree kNN, the minimum spanning tree of mutual reachability by Borůvka,
 * the single-linkage hierarchy, the condensed tree at minClusterSize, and excess-of-mass selection
 * (the root is never selected, as in the hdbscan package's default). O(N log N) time, O(N) memory.
 */
export function hdbscan(x: ArrayLike<number>, y: ArrayLike<number>, opts: HdbscanOptions): HdbscanResult {
  validateHdbscanOptions(opts);
  const n = x.length;
  if (y.length !== n) throw new Error(`x and y differ in length (${n} and ${y.length}).`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new Error(`Point ${i} has a non-finite coordinate; cannot cluster.`);
  }
  const minSamples = opts.minSamples ?? defaultMinSamples(opts.minClusterSize);
  if (n < opts.minClusterSize || n < 2) return { labels: new Int32Array(n).fill(-1), clusterCount: 0 };
  const tree = buildKdTree(x, y);
  const core = kthNeighbourDistances(tree, minSamples);
  const mst = mutualReachabilityMst(tree, core);
  const dendrogram = singleLinkage(n, mst);
  const condensed = condenseTree(n, dendrogram, opts.minClusterSize);
  return labelPoints(n, condensed);
}

interface Dendrogram {
  /** Merge i creates node n + i from left[i] and right[i] at distance dist[i]; size[i] points below. */
  left: Int32Array;
  right: Int32Array;
  dist: Float64Array;
  size: Int32Array;
}

function singleLinkage(n: number, mst: { a: Uint32Array; b: Uint32Array; w: Float64Array }): Dendrogram {
  const m = mst.w.length;
  const idx = new Uint32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  idx.sort((p, q) => mst.w[p]! - mst.w[q]!);
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i]! !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const sizeOf = (node: number, size: Int32Array) => (node < n ? 1 : size[node - n]!);
  const d: Dendrogram = { left: new Int32Array(m), right: new Int32Array(m), dist: new Float64Array(m), size: new Int32Array(m) };
  for (let k = 0; k < m; k++) {
    const e = idx[k]!;
    const ra = find(mst.a[e]!);
    const rb = find(mst.b[e]!);
    d.left[k] = ra;
    d.right[k] = rb;
    d.dist[k] = mst.w[e]!;
    d.size[k] = sizeOf(ra, d.size) + sizeOf(rb, d.size);
    parent[ra] = n + k;
    parent[rb] = n + k;
  }
  return d;
}

interface CondensedTree {
  /** Clusters are numbered from 0 (the root) in order of birth, so a child's id exceeds its parent's. */
  clusterCount: number;
  clusterParent: Int32Array;
  /** λ = 1 / distance at which the cluster split off its parent. */
  birth: Float64Array;
  stability: Float64Array;
  /** The cluster each point fell out of, and at which λ. */
  pointCluster: Int32Array;
}

// Duplicate points merge at distance 0; a finite λ keeps stabilities finite and comparable.
const lambdaOf = (dist: number) => (dist > 0 ? 1 / dist : 1e300);

function condenseTree(n: number, d: Dendrogram, minClusterSize: number): CondensedTree {
  const nodeSize = (node: number) => (node < n ? 1 : d.size[node - n]!);
  const pointCluster = new Int32Array(n).fill(-1);
  const pointLambda = new Float64Array(n);
  const clusterParent: number[] = [-1];
  const birth: number[] = [0];
  const stability: number[] = [0];
  // (dendrogram node, cluster it belongs to) pairs still to process.
  const work: number[] = [n + d.left.length - 1, 0];
  const leaves: number[] = [];

  const fallOut = (node: number, cluster: number, lambda: number) => {
    leaves.length = 0;
    leaves.push(node);
    let count = 0;
    while (leaves.length > 0) {
      const v = leaves.pop()!;
      if (v < n) {
        pointCluster[v] = cluster;
        pointLambda[v] = lambda;
        count++;
      } else {
        leaves.push(d.left[v - n]!, d.right[v - n]!);
      }
    }
    stability[cluster]! += count * (lambda - birth[cluster]!);
  };
  const newCluster = (parentCluster: number, lambda: number) => {
    clusterParent.push(parentCluster);
    birth.push(lambda);
    stability.push(0);
    return clusterParent.length - 1;
  };

  while (work.length > 0) {
    const cluster = work.pop()!;
    const node = work.pop()!;
    if (node < n) {
      // A single point reached while its cluster still continues (minClusterSize 1 never happens; kept for safety).
      fallOut(node, cluster, birth[cluster]!);
      continue;
    }
    const k = node - n;
    const lambda = lambdaOf(d.dist[k]!);
    const l = d.left[k]!;
    const r = d.right[k]!;
    const bigL = nodeSize(l) >= minClusterSize;
    const bigR = nodeSize(r) >= minClusterSize;
    if (bigL && bigR) {
      // A true split: the parent ends here, its points all leave at this λ as two new clusters.
      stability[cluster]! += (nodeSize(l) + nodeSize(r)) * (lambda - birth[cluster]!);
      const cl = newCluster(cluster, lambda);
      const cr = newCluster(cluster, lambda);
      work.push(l, cl, r, cr);
    } else if (bigL) {
      fallOut(r, cluster, lambda);
      work.push(l, cluster);
    } else if (bigR) {
      fallOut(l, cluster, lambda);
      work.push(r, cluster);
    } else {
      fallOut(l, cluster, lambda);
      fallOut(r, cluster, lambda);
    }
  }
  return {
    clusterCount: clusterParent.length,
    clusterParent: Int32Array.from(clusterParent),
    birth: Float64Array.from(birth),
    stability: Float64Array.from(stability),
    pointCluster,
  };
}

/** Excess-of-mass selection, then each point takes the selected cluster above it (or noise). */
function labelPoints(n: number, c: CondensedTree): HdbscanResult {
  const m = c.clusterCount;
  const selected = new Uint8Array(m);
  const subtree = Float64Array.from(c.stability);
  const childSum = new Float64Array(m);
  // Children have larger ids, so a descending sweep sees every child before its parent.
  for (let k = m - 1; k >= 1; k--) {
    const own = c.stability[k]!;
    if (childSum[k]! > own) {
      subtree[k] = childSum[k]!;
    } else {
      subtree[k] = own;
      selected[k] = 1;
    }
    childSum[c.clusterParent[k]!]! += subtree[k]!;
  }
  // A selected cluster's descendants are not selected: sweep top-down and clear below selections.
  const covered = new Uint8Array(m);
  const label = new Int32Array(m).fill(-1);
  let count = 0;
  for (let k = 1; k < m; k++) {
    const p = c.clusterParent[k]!;
    if (covered[p] || (p > 0 && selected[p])) {
      covered[k] = 1;
      selected[k] = 0;
      label[k] = label[p]!;
    } else if (selected[k]) {
      label[k] = count++;
    }
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = label[c.pointCluster[i]!]!;
  return { labels, clusterCount: count };
}

/** A default that grows with the map: about 30 at digits' size, a few hundred at 100k points. */
/** min_samples when none is given: the cluster size, at most 16 (the core-distance neighbours). */
export function defaultMinSamples(minClusterSize: number): number {
  return Math.min(minClusterSize, 16);
}

export function defaultMinClusterSize(n: number): number {
  return Math.max(5, Math.min(1000, Math.round(0.7 * Math.sqrt(n))));
}
