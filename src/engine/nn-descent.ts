import type { NeighborHeaps } from './neighbor-heap';
import { heapPush } from './neighbor-heap';
import type { RpLeaves } from './rp-tree';
import type { Rng } from './prng';
import { releaseArrays } from './release';

/**
 * NN-descent in the style of pynndescent, split so that the expensive part (the local join over a
 * chunk of points) is a pure function of plain arrays. A Worker can run any chunk; the owner applies
 * each chunk's updates in chunk order, so the result does not depend on how many Workers ran.
 *
 * Distances inside the descent are "ordering distances": squared euclidean or 1 − cos, converted at
 * the end. Only their order matters here.
 */
export type PairDistance = (i: number, j: number) => number;

/** Candidate lists for one iteration: row i owns slots [i*maxCand, (i+1)*maxCand), −1 = empty. */
export interface Candidates {
  maxCand: number;
  fresh: Int32Array;
  old: Int32Array;
  /** Each point's worst current distance, frozen at the start of the iteration. */
  thresholds: Float32Array;
}

/** Updates found by a local join: pairs (a[t], b[t]) at distance dist[t]. */
export interface JoinUpdates {
  a: Int32Array;
  b: Int32Array;
  dist: Float32Array;
  count: number;
  /** Distance evaluations, reported for profiling. */
  evals: number;
}

/**
 * Every pair inside leaves [from, to) (default: all) of an RP tree, with its distance: the expensive
 * half of a tree, done on the pool; the owner feeds the pairs to its heaps with applyUpdates, in leaf
 * order, so any split of the leaves gives the same heaps. With `out`, the pairs are views of it
 * (grown to fit); without, arrays of their own.
 */
export function leafPairs(leaves: RpLeaves, dist: PairDistance, from = 0, to = leaves.leafStarts.length - 1, out?: JoinBuffer): JoinUpdates {
  const { order, leafStarts } = leaves;
  let count = 0;
  for (let l = from; l < to; l++) {
    const m = leafStarts[l + 1]! - leafStarts[l]!;
    count += (m * (m - 1)) / 2;
  }
  const buf = out ?? new JoinBuffer(count);
  if (count > 0) buf.ensure(count - 1);
  const { a, b, dist: dd } = buf;
  let w = 0;
  for (let l = from; l < to; l++) {
    const lo = leafStarts[l]!;
    const hi = leafStarts[l + 1]!;
    for (let s = lo; s < hi; s++) {
      const p = order[s]!;
      for (let t = s + 1; t < hi; t++) {
        const q = order[t]!;
        a[w] = p;
        b[w] = q;
        dd[w] = dist(p, q);
        w++;
      }
    }
  }
  return buf.views(count, count);
}

/**
 * Fill any slot still empty after the trees with random points, so every heap is full and every
 * threshold is finite before the descent starts.
 */
export function fillRandom(heaps: NeighborHeaps, dist: PairDistance, rng: Rng): void {
  const { n, k } = heaps;
  for (let i = 0; i < n; i++) {
    let tries = 0;
    while (heaps.indices[i * k] === -1 && tries < 4 * k) {
      const j = rng.int(n);
      tries++;
      if (j !== i) heapPush(heaps, i, j, dist(i, j), 1);
    }
  }
}

/** Three arrays of `capacity` pairs: plain, or one shared memory a compute Worker fills for the pool. */
type JoinArrays = Pick<JoinUpdates, 'a' | 'b' | 'dist'>;

function plainJoinArrays(capacity: number): JoinArrays {
  return { a: new Int32Array(capacity), b: new Int32Array(capacity), dist: new Float32Array(capacity) };
}

/** The arrays of a shared slot (12 bytes a pair), as WorkerPool passes one with each join. */
function joinArraysOver(slot: SharedArrayBuffer): JoinArrays {
  const cap = Math.floor(slot.byteLength / 12);
  return { a: new Int32Array(slot, 0, cap), b: new Int32Array(slot, 4 * cap, cap), dist: new Float32Array(slot, 8 * cap, cap) };
}

function sharedJoinArrays(capacity: number): JoinArrays {
  return joinArraysOver(new SharedArrayBuffer(12 * Math.max(1, capacity)));
}

/**
 * Where joins write their pairs, kept from one join to the next. Growing fresh arrays by doubling left
 * about twice each join's result as garbage in a compute Worker, which collects so rarely that at a
 * million points it held hundreds of MB of them (docs/benchmark.md). Over a shared slot, the pairs
 * reach the pool with no copy and no transfer: a transferred buffer is held by its message until the
 * receiver collects garbage, even once it is detached.
 */
export class JoinBuffer {
  a: Int32Array;
  b: Int32Array;
  dist: Float32Array;
  private readonly alloc: (capacity: number) => JoinArrays;

  /** Over the pool's shared `slot` (growing into larger shared memory), or plain arrays of `capacity`. */
  constructor(capacity = 1024, slot: SharedArrayBuffer | null = null) {
    this.alloc = slot ? sharedJoinArrays : plainJoinArrays;
    ({ a: this.a, b: this.b, dist: this.dist } = slot ? joinArraysOver(slot) : this.alloc(capacity));
  }

  /** Room for `count` + 1 pairs, keeping the first `count`. */
  ensure(count: number): void {
    if (count < this.a.length) return;
    const next = this.alloc(Math.max(2 * this.a.length, count + 1));
    next.a.set(this.a);
    next.b.set(this.b);
    next.dist.set(this.dist);
    releaseArrays(this.a, this.b, this.dist);
    ({ a: this.a, b: this.b, dist: this.dist } = next);
  }

  /** The first `count` pairs, as views of this buffer: valid until it is written again. */
  views(count: number, evals: number): JoinUpdates {
    return { a: this.a.subarray(0, count), b: this.b.subarray(0, count), dist: this.dist.subarray(0, count), count, evals };
  }
}

/**
 * The local join for points [start, end): new×new and new×old candidate pairs, as views of `out`
 * (grown to fit), exactly `count` long.
 */
export function localJoin(c: Candidates, start: number, end: number, dist: PairDistance, out = new JoinBuffer()): JoinUpdates {
  const { maxCand, fresh, old, thresholds } = c;
  let count = 0;
  let evals = 0;
  let { a, b, dist: dd } = out;
  const emit = (p: number, q: number, dpq: number) => {
    if (count === a.length) {
      out.ensure(count);
      ({ a, b, dist: dd } = out);
    }
    a[count] = p;
    b[count] = q;
    dd[count] = dpq;
    count++;
  };
  for (let i = start; i < end; i++) {
    const base = i * maxCand;
    for (let s = base; s < base + maxCand; s++) {
      const p = fresh[s]!;
      if (p < 0) continue;
      const tp = thresholds[p]!;
      for (let t = s + 1; t < base + maxCand; t++) {
        const q = fresh[t]!;
        if (q < 0 || q === p) continue;
        const dpq = dist(p, q);
        evals++;
        if (dpq < tp || dpq < thresholds[q]!) emit(p, q, dpq);
      }
      for (let t = base; t < base + maxCand; t++) {
        const q = old[t]!;
        if (q < 0 || q === p) continue;
        const dpq = dist(p, q);
        evals++;
        if (dpq < tp || dpq < thresholds[q]!) emit(p, q, dpq);
      }
    }
  }
  return out.views(count, evals);
}

/**
 * Apply a chunk's updates to both ends; returns how many heap entries changed. With `compact`, the
 * pairs that changed nothing are dropped from `u` in place: replaying the rest on the same heaps gives
 * the same heaps (a no-op removed from a deterministic sequence changes nothing after it), which is
 * what a delta checkpoint stores.
 */
export function applyUpdates(heaps: NeighborHeaps, u: JoinUpdates, compact = false): number {
  let changed = 0;
  let kept = 0;
  const k = heaps.k;
  for (let t = 0; t < u.count; t++) {
    const p = u.a[t]!;
    const q = u.b[t]!;
    const dpq = u.dist[t]!;
    let hit = 0;
    if (dpq < heaps.distances[p * k]! && heapPush(heaps, p, q, dpq, 1)) hit++;
    if (dpq < heaps.distances[q * k]! && heapPush(heaps, q, p, dpq, 1)) hit++;
    changed += hit;
    if (compact && hit > 0) {
      u.a[kept] = p;
      u.b[kept] = q;
      u.dist[kept] = dpq;
      kept++;
    }
  }
  if (compact) u.count = kept;
  return changed;
}

/** Several updates as one, in order (compacted lists are small; this is what a delta stores). */
export function concatUpdates(list: JoinUpdates[]): JoinUpdates {
  let count = 0;
  for (const u of list) count += u.count;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const dist = new Float32Array(count);
  let w = 0;
  for (const u of list) {
    a.set(u.a.subarray(0, u.count), w);
    b.set(u.b.subarray(0, u.count), w);
    dist.set(u.dist.subarray(0, u.count), w);
    w += u.count;
  }
  return { a, b, dist, count, evals: 0 };
}
