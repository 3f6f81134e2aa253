import type { FittedModel } from './fitted-model';
import { heapPush, makeHeaps, sortHeaps, type NeighborHeaps } from './neighbor-heap';
import { Rng } from './prng';
import { trueDistance } from './distance';
import { inverseNorms, queryDistance, type QueryDistance } from './query-distance';
import { descendTree } from './transform-index';
import { hash32 } from './sgd-layout';

/**
 * Neighbours of new points among the fitted points, for a range of new points at a time: each range
 * is a pure function of the model, the new rows and their keys, so a compute pool could run ranges
 * anywhere. Every point's search uses only its own row and key, never its place in the batch.
 */

/** New points: rows m × d, the inverse norms (cosine) and each point's key for its random draws. */
export interface QueryRows {
  data: Float32Array;
  m: number;
  d: number;
  inv: Float64Array | null;
  keys: Uint32Array;
}

export interface NeighborRows {
  start: number;
  end: number;
  k: number;
  /** (end − start) × k fitted-point indices, nearest first. */
  indices: Int32Array;
  /** The matching true distances (euclidean, or 1 − cos). */
  distances: Float32Array;
}

export function queryRows(model: FittedModel, data: Float32Array, m: number, keys: Uint32Array): QueryRows {
  return { data, m, d: model.d, inv: model.metric === 'cosine' ? inverseNorms(data, m, model.d) : null, keys };
}

/**
 * A 32-bit key per new point from its caller-given id, or else from the bits of its row: the same
 * point gets the same random draws in any batch, and two equal rows land in the same place.
 */
export function pointKeys(data: Float32Array, m: number, d: number, ids?: ArrayLike<number>): Uint32Array {
  const keys = new Uint32Array(m);
  if (ids) {
    for (let i = 0; i < m; i++) {
      const id = ids[i]!;
      const hi = Math.floor(id / 4294967296) >>> 0;
      keys[i] = hash32((hash32((id >>> 0) ^ 0x5bd1e995) ^ hi) >>> 0);
    }
    return keys;
  }
  const bits = new Uint32Array(data.buffer, data.byteOffset, m * d);
  for (let i = 0; i < m; i++) {
    // murmur3's 32-bit body and finaliser over the row's words.
    let h = (0x2f6b9a3d ^ d) >>> 0;
    for (let t = i * d, end = t + d; t < end; t++) {
      let w = Math.imul(bits[t]!, 0xcc9e2d51);
      w = (w << 15) | (w >>> 17);
      h ^= Math.imul(w, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    keys[i] = hash32((h ^ (d * 4)) >>> 0);
  }
  return keys;
}

/** What the searches share for one model: the distance and the fitted rows' norms. */
export class FittedSearch {
  readonly dist: QueryDistance;
  private readonly inv: Float64Array | null;
  constructor(readonly model: FittedModel) {
    this.inv = model.metric === 'cosine' ? inverseNorms(model.data, model.n, model.d) : null;
    this.dist = queryDistance(model.metric, model.data, model.d, this.inv);
  }

  /** Exact k nearest fitted points of new points [start, end), four new points per pass over the fitted rows. */
  exact(q: QueryRows, start: number, end: number, k: number): NeighborRows {
    const { n, d, metric } = this.model;
    const x = this.model.data;
    const xInv = this.inv;
    const heaps = makeHeaps(end - start, k);
    const qd = q.data;
    const cos = metric === 'cosine';
    for (let q0 = start; q0 < end; q0 += 4) {
      const qn = Math.min(4, end - q0);
      // A short last group repeats its last row; the repeats are not pushed.
      const a0 = q0 * d;
      const a1 = (q0 + Math.min(1, qn - 1)) * d;
      const a2 = (q0 + Math.min(2, qn - 1)) * d;
      const a3 = (q0 + Math.min(3, qn - 1)) * d;
      for (let j = 0; j < n; j++) {
        const b = j * d;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        if (cos) {
          for (let t = 0; t < d; t++) {
            const v = x[b + t]!;
            s0 += qd[a0 + t]! * v;
            s1 += qd[a1 + t]! * v;
            s2 += qd[a2 + t]! * v;
            s3 += qd[a3 + t]! * v;
          }
        } else {
          for (let t = 0; t < d; t++) {
            const v = x[b + t]!;
            const e0 = qd[a0 + t]! - v;
            const e1 = qd[a1 + t]! - v;
            const e2 = qd[a2 + t]! - v;
            const e3 = qd[a3 + t]! - v;
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
          }
        }
        for (let r = 0; r < qn; r++) {
          let v = r === 0 ? s0 : r === 1 ? s1 : r === 2 ? s2 : s3;
          if (cos) {
            v = 1 - v * q.inv![q0 + r]! * xInv![j]!;
            if (v < 0) v = 0;
          }
          heapPush(heaps, q0 + r - start, j, v, 0);
        }
      }
    }
    return this.finish(heaps, start, end, k);
  }

  /**
   * Approximate k nearest fitted points by pynndescent's query: candidates from the search tree's leaf
   * (topped up with random points drawn from the point's own key), then repeatedly expand the
   * closest unexpanded candidate's graph neighbours, keeping any within (1 + epsilon) × the current
   * k-th distance, until the closest unexpanded candidate is beyond that bound.
   */
  graph(q: QueryRows, start: number, end: number, k: number, epsilon: number, seed: number): NeighborRows {
    const { n, d } = this.model;
    const { tree, graph } = this.model.search;
    const { ptr, cols } = graph;
    const dist = this.dist;
    const heaps = makeHeaps(end - start, k);
    const visited = new Int32Array(n);
    const scale = 1 + epsilon;
    const cand = new CandidateQueue();
    for (let i = start; i < end; i++) {
      const row = i - start;
      const stamp = row + 1;
      const qo = i * d;
      const qInv = q.inv ? q.inv[i]! : 0;
      const key = q.keys[i]!;
      const base = row * k;
      cand.clear();
      const visit = (j: number) => {
        visited[j] = stamp;
        const v = dist(q.data, qo, qInv, j);
        heapPush(heaps, row, j, v, 0);
        cand.push(v, j);
      };
      const leaf = descendTree(tree, dist, q.data, qo, qInv, key);
      for (let s = tree.leafStarts[leaf]!; s < tree.leafStarts[leaf + 1]!; s++) visit(tree.order[s]!);
      const rng = new Rng(hash32((seed ^ Math.imul(key, 0x2c1b3c6d)) >>> 0));
      for (let tries = 0; cand.size < k && tries < 4 * k; tries++) {
        const j = rng.int(n);
        if (visited[j] !== stamp) visit(j);
      }
      const D = heaps.distances;
      let bound = scale * D[base]!; // the heap's root is its k-th distance (Infinity until full)
      while (cand.size > 0) {
        const v = cand.pop();
        if (!(cand.lastDist < bound)) break;
        for (let p = ptr[v]!; p < ptr[v + 1]!; p++) {
          const j = cols[p]!;
          if (visited[j] === stamp) continue;
          visited[j] = stamp;
          const dj = dist(q.data, qo, qInv, j);
          if (dj < bound) {
            heapPush(heaps, row, j, dj, 0);
            cand.push(dj, j);
            bound = scale * D[base]!;
          }
        }
      }
    }
    return this.finish(heaps, start, end, k);
  }

  private finish(heaps: NeighborHeaps, start: number, end: number, k: number): NeighborRows {
    sortHeaps(heaps);
    const { indices, distances } = heaps;
    for (let t = 0; t < distances.length; t++) distances[t] = trueDistance(this.model.metric, distances[t]!);
    return { start, end, k, indices, distances };
  }
}

/** A binary min-heap of (distance, fitted index), ties by index: the search's frontier. */
class CandidateQueue {
  private dist = new Float64Array(64);
  private idx = new Int32Array(64);
  size = 0;
  /** Distance of the entry the last pop() returned. */
  lastDist = 0;

  clear(): void {
    this.size = 0;
  }

  private less(a: number, b: number): boolean {
    const da = this.dist[a]!;
    const db = this.dist[b]!;
    return da < db || (da === db && this.idx[a]! < this.idx[b]!);
  }

  private swap(a: number, b: number): void {
    const d = this.dist[a]!;
    this.dist[a] = this.dist[b]!;
    this.dist[b] = d;
    const i = this.idx[a]!;
    this.idx[a] = this.idx[b]!;
    this.idx[b] = i;
  }

  push(d: number, j: number): void {
    if (this.size === this.dist.length) {
      const nd = new Float64Array(this.size * 2);
      nd.set(this.dist);
      this.dist = nd;
      const ni = new Int32Array(this.size * 2);
      ni.set(this.idx);
      this.idx = ni;
    }
    let c = this.size++;
    this.dist[c] = d;
    this.idx[c] = j;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) break;
      this.swap(c, p);
      c = p;
    }
  }

  pop(): number {
    const top = this.idx[0]!;
    this.lastDist = this.dist[0]!;
    this.size--;
    if (this.size > 0) {
      this.dist[0] = this.dist[this.size]!;
      this.idx[0] = this.idx[this.size]!;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= this.size) break;
        const r = l + 1;
        const m = r < this.size && this.less(r, l) ? r : l;
        if (!this.less(m, c)) break;
        this.swap(m, c);
        c = m;
      }
    }
    return top;
  }
}
