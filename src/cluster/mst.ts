import { boxDist2, type KdTree } from './kd-tree';

/** An undirected weighted tree over n points: n - 1 edges (fewer only if n < 2). */
export interface Mst {
  a: Uint32Array;
  b: Uint32Array;
  w: Float64Array;
}

/**
 * Minimum spanning tree of the mutual-reachability graph, max(core[a], core[b], |a - b|), by
 * Borůvka over the kd-tree: every round, each point finds its nearest point in another component,
 * and each component keeps its cheapest such edge. No N × N matrix is ever formed; each round is
 * N tree queries and the number of components at least halves.
 *
 * Two facts keep the queries cheap: a subtree whose points all belong to the querying point's own
 * component is skipped whole; and a point's nearest foreign neighbour stays its nearest while that
 * neighbour is still foreign (components only grow), so it is searched for again only after its
 * neighbour's component has merged with its own.
 */
export function mutualReachabilityMst(t: KdTree, core: Float64Array): Mst {
  const n = t.order.length;
  const edgesA = new Uint32Array(Math.max(0, n - 1));
  const edgesB = new Uint32Array(Math.max(0, n - 1));
  const edgesW = new Float64Array(Math.max(0, n - 1));
  if (n < 2) return { a: edgesA, b: edgesB, w: edgesW };
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i]! !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };

  const nodes = t.nodeCount;
  // Children always have larger ids than their parent, so descending order is bottom-up.
  const nodeMinCore = new Float64Array(nodes);
  for (let node = nodes - 1; node >= 0; node--) {
    const l = t.left[node]!;
    if (l >= 0) {
      nodeMinCore[node] = Math.min(nodeMinCore[l]!, nodeMinCore[t.right[node]!]!);
    } else {
      let m = Infinity;
      for (let i = t.start[node]!; i < t.end[node]!; i++) m = Math.min(m, core[t.order[i]!]!);
      nodeMinCore[node] = m;
    }
  }

  const comp = new Int32Array(n);
  const nodeComp = new Int32Array(nodes);
  const nearest = new Int32Array(n).fill(-1);
  const nearestW = new Float64Array(n);
  const compBest = new Float64Array(n);
  const compFrom = new Int32Array(n);
  const compTo = new Int32Array(n);
  const stack = new Int32Array(256);
  let edges = 0;

  while (edges < n - 1) {
    for (let i = 0; i < n; i++) comp[i] = find(i);
    for (let node = nodes - 1; node >= 0; node--) {
      const l = t.left[node]!;
      if (l >= 0) {
        const cl = nodeComp[l]!;
        nodeComp[node] = cl >= 0 && cl === nodeComp[t.right[node]!]! ? cl : -1;
      } else {
        const c = comp[t.order[t.start[node]!]!]!;
        let same = c;
        for (let i = t.start[node]! + 1; i < t.end[node]!; i++) {
          if (comp[t.order[i]!]! !== c) {
            same = -1;
            break;
          }
        }
        nodeComp[node] = same;
      }
    }
    compBest.fill(Infinity);
    compFrom.fill(-1);

    for (let q = 0; q < n; q++) {
      const cq = comp[q]!;
      const cached = nearest[q]!;
      if (cached < 0 || comp[cached]! === cq) {
        nearest[q] = -1;
        const cq0 = core[q]!;
        // Nothing from q can beat the component's best edge so far, nor go below q's own core distance.
        if (cq0 >= compBest[cq]!) continue;
        let best = compBest[cq]!;
        let bestP = -1;
        const px = t.x[q]!;
        const py = t.y[q]!;
        let sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
          const node = stack[--sp]!;
          if (nodeComp[node]! === cq) continue;
          const lower = Math.max(cq0, nodeMinCore[node]!, Math.sqrt(boxDist2(t, node, px, py)));
          if (lower >= best) continue;
          const l = t.left[node]!;
          if (l < 0) {
            for (let i = t.start[node]!; i < t.end[node]!; i++) {
              const p = t.order[i]!;
              if (comp[p]! === cq) continue;
              const dx = t.x[p]! - px;
              const dy = t.y[p]! - py;
              const m = Math.max(cq0, core[p]!, Math.sqrt(dx * dx + dy * dy));
              if (m < best) {
                best = m;
                bestP = p;
              }
            }
            continue;
          }
          const r = t.right[node]!;
          if (boxDist2(t, l, px, py) < boxDist2(t, r, px, py)) {
            stack[sp++] = r;
            stack[sp++] = l;
          } else {
            stack[sp++] = l;
            stack[sp++] = r;
          }
        }
        if (bestP < 0) continue;
        nearest[q] = bestP;
        nearestW[q] = best;
      }
      const p = nearest[q]!;
      const w = nearestW[q]!;
      if (w < compBest[cq]!) {
        compBest[cq] = w;
        compFrom[cq] = q;
        compTo[cq] = p;
      }
    }

    let added = 0;
    for (let c = 0; c < n; c++) {
      const q = compFrom[c]!;
      if (q < 0) continue;
      const ra = find(q);
      const rb = find(compTo[c]!);
      if (ra === rb) continue;
      parent[ra] = rb;
      edgesA[edges] = q;
      edgesB[edges] = compTo[c]!;
      edgesW[edges] = compBest[c]!;
      edges++;
      added++;
    }
    // Cannot happen for finite coordinates; guards against NaN input looping forever.
    if (added === 0) throw new Error('Clustering failed: the coordinates contain NaN or infinite values.');
  }
  return { a: edgesA, b: edgesB, w: edgesW };
}
