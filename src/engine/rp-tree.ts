import { Rng } from './prng';

/** One random-projection tree, flattened: leaf ℓ holds order[leafStarts[ℓ] .. leafStarts[ℓ+1]). */
export interface RpLeaves {
  order: Int32Array;
  leafStarts: Int32Array;
}

/**
 * Which side of the hyperplane between pivots a and b point p falls on: positive means a's side.
 * Euclidean: the perpendicular bisector, i.e. which pivot is nearer. Cosine: the angular bisector.
 * Expressed through row distances so the SIMD kernels do the arithmetic.
 */
export type SplitSide = (p: number, a: number, b: number) => number;

/**
 * A random-projection tree being built: split recursively by the hyperplane between two random points
 * until leaves are ≤ leafSize. Its leaves seed NN-descent with neighbours that are already close,
 * which is what makes the descent converge in a few iterations. The state is plain arrays: the ranges
 * still to split (a stack of lo, hi pairs), the split under way, the leaves found, and the generator's
 * state. At a million points a tree is seconds of one Worker's time, and at 768 dimensions the root's
 * split alone is 1–2 s, so it is built over several calls, each taking the state where the last left it
 * (any Worker can), and a call may stop inside a split.
 */
export interface RpBuild {
  leafSize: number;
  order: Int32Array;
  stack: number[];
  starts: number[];
  rng: Uint32Array;
  /** The split under way, or null between splits. */
  split: SplitInProgress | null;
  /** Points put on a side so far: the work advanceRpBuild counts in `units`. */
  sided: number;
}

/** A range's split part-way: the pivots drawn, and the sides of order[lo .. at) found so far. */
interface SplitInProgress {
  lo: number;
  hi: number;
  a: number;
  b: number;
  at: number;
  left: number;
  /** side[t − lo] is 1 when order[t] goes to a's side. */
  side: Uint8Array;
}

export function startRpBuild(n: number, leafSize: number, seed: number): RpBuild {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return { leafSize, order, stack: [0, n], starts: [], rng: new Rng(seed).state(), split: null, sided: 0 };
}

/**
 * Split ranges until about `units` points have been put on a side (at least one) or the tree is done;
 * returns its leaves once done. Ranges and points are taken in the same order however the calls
 * divide them, and the generator's draws with them, so the tree is the same for any sequence of `units`.
 */
export function advanceRpBuild(b: RpBuild, units: number, sideOf: SplitSide): RpLeaves | null {
  const { order, stack, starts, leafSize } = b;
  const n = order.length;
  const rng = new Rng(b.rng);
  let work = 0;
  while ((b.split || stack.length) && work < units) {
    if (!b.split) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= leafSize) {
        starts.push(lo);
        continue;
      }
      b.split = beginSplit(order, lo, hi, rng);
    }
    const sp = b.split;
    const before = sp.at;
    const sided = continueSplit(sp, order, rng, sideOf, Math.max(1, units - work));
    work += sp.at - before;
    if (!sided) continue;
    const { left } = endSplit(sp, order, rng);
    stack.push(sp.lo, sp.lo + left, sp.lo + left, sp.hi);
    b.split = null;
  }
  b.rng = rng.state();
  b.sided += work;
  if (b.split || stack.length) return null;
  starts.sort((x, y) => x - y);
  starts.push(n);
  return { order, leafStarts: Int32Array.from(starts) };
}

/**
 * Split order[lo..hi) by the hyperplane between two random points of it, a's side first, ties by a
 * coin. A degenerate split (duplicates, or points on the plane) shuffles and halves instead so the
 * tree still ends, and gives a = b = −1. Both trees, the fit's and the transform's kept one, split so.
 */
export function splitRange(order: Int32Array, lo: number, hi: number, rng: Rng, sideOf: SplitSide): { a: number; b: number; left: number } {
  const sp = beginSplit(order, lo, hi, rng);
  continueSplit(sp, order, rng, sideOf, hi - lo);
  return endSplit(sp, order, rng);
}

function beginSplit(order: Int32Array, lo: number, hi: number, rng: Rng): SplitInProgress {
  const size = hi - lo;
  const ia = rng.int(size);
  const ib = (ia + 1 + rng.int(size - 1)) % size;
  return { lo, hi, a: order[lo + ia]!, b: order[lo + ib]!, at: lo, left: 0, side: new Uint8Array(size) };
}

/** Sides for up to `budget` more points; true once every point of the range has one. */
function continueSplit(sp: SplitInProgress, order: Int32Array, rng: Rng, sideOf: SplitSide, budget: number): boolean {
  const { lo, a, b, side } = sp;
  const end = Math.min(sp.hi, sp.at + budget);
  let left = sp.left;
  for (let t = sp.at; t < end; t++) {
    const s = sideOf(order[t]!, a, b);
    const goLeft = s > 0 || (s === 0 && (rng.next() & 1) === 0);
    side[t - lo] = goLeft ? 1 : 0;
    if (goLeft) left++;
  }
  sp.left = left;
  sp.at = end;
  return end === sp.hi;
}

function endSplit(sp: SplitInProgress, order: Int32Array, rng: Rng): { a: number; b: number; left: number } {
  const { lo, hi, left } = sp;
  const size = hi - lo;
  if (left === 0 || left === size) {
    shuffleRange(order, lo, hi, rng);
    return { a: -1, b: -1, left: size >> 1 };
  }
  partition(order, sp.side, lo, hi);
  return { a: sp.a, b: sp.b, left };
}

/** Stable partition of order[lo..hi) so that side==1 entries come first. */
function partition(order: Int32Array, side: Uint8Array, lo: number, hi: number): void {
  const tmp = order.slice(lo, hi);
  let w = lo;
  for (let t = 0; t < tmp.length; t++) if (side[t] === 1) order[w++] = tmp[t]!;
  for (let t = 0; t < tmp.length; t++) if (side[t] === 0) order[w++] = tmp[t]!;
}

function shuffleRange(order: Int32Array, lo: number, hi: number, rng: Rng): void {
  for (let t = hi - 1; t > lo; t--) {
    const u = lo + rng.int(t - lo + 1);
    const x = order[t]!;
    order[t] = order[u]!;
    order[u] = x;
  }
}
