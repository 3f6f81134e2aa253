// Fixed-size max-heaps of (index, distance, isNew), one per point, stored flat in typed arrays so a
// whole kNN state is three arrays that can be checkpointed or shared between Workers as they are.

export interface NeighborHeaps {
  n: number;
  k: number;
  indices: Int32Array;
  distances: Float32Array;
  /** 1 = not yet used as a join candidate by NN-descent. */
  flags: Uint8Array;
}

export function makeHeaps(n: number, k: number): NeighborHeaps {
  const indices = new Int32Array(n * k).fill(-1);
  const distances = new Float32Array(n * k).fill(Infinity);
  return { n, k, indices, distances, flags: new Uint8Array(n * k) };
}

/** Push j into row's heap if closer than its worst; returns true if the heap changed. */
export function heapPush(h: NeighborHeaps, row: number, j: number, dist: number, flag: number): boolean {
  const k = h.k;
  const base = row * k;
  const D = h.distances;
  const I = h.indices;
  if (!(dist < D[base]!)) return false;
  for (let t = base; t < base + k; t++) if (I[t] === j) return false;
  // Replace the root (current worst) and sift down.
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= k) break;
    const r = l + 1;
    let c = l;
    if (r < k && D[base + r]! > D[base + l]!) c = r;
    if (D[base + c]! <= dist) break;
    D[base + pos] = D[base + c]!;
    I[base + pos] = I[base + c]!;
    h.flags[base + pos] = h.flags[base + c]!;
    pos = c;
  }
  D[base + pos] = dist;
  I[base + pos] = j;
  h.flags[base + pos] = flag;
  return true;
}

/** Sort every row ascending by distance (heap order is lost; call once at the end). */
export function sortHeaps(h: NeighborHeaps): void {
  const k = h.k;
  const idx = new Int32Array(k);
  const dst = new Float32Array(k);
  const order = new Int32Array(k);
  for (let row = 0; row < h.n; row++) {
    const base = row * k;
    for (let t = 0; t < k; t++) order[t] = t;
    const D = h.distances;
    // Insertion sort: k is small (≈15–100).
    for (let a = 1; a < k; a++) {
      const v = order[a]!;
      const dv = D[base + v]!;
      let b = a - 1;
      while (b >= 0 && D[base + order[b]!]! > dv) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = v;
    }
    for (let t = 0; t < k; t++) {
      idx[t] = h.indices[base + order[t]!]!;
      dst[t] = D[base + order[t]!]!;
    }
    h.indices.set(idx, base);
    h.distances.set(dst, base);
  }
}
