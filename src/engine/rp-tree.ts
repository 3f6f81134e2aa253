import type { Metric } from './types';
import { Rng } from './prng';

/** One random-projection tree, flattened: leaf ℓ holds order[leafStarts[ℓ] .. leafStarts[ℓ+1]). */
export interface RpLeaves {
  order: Int32Array;
  leafStarts: Int32Array;
}

/**
 * Split recursively by the hyperplane between two random points until leaves are ≤ leafSize.
 * Its leaves seed NN-descent with neighbours that are already close, which is what makes the
 * descent converge in a few iterations.
 */
export function buildRpTree(
  data: Float32Array,
  n: number,
  d: number,
  metric: Metric,
  leafSize: number,
  seed: number,
): RpLeaves {
  const rng = new Rng(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const side = new Uint8Array(n);
  const normal = new Float64Array(d);
  const starts: number[] = [];
  const stack: number[] = [0, n];
  while (stack.length) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const size = hi - lo;
    if (size <= leafSize) {
      starts.push(lo);
      continue;
    }
    const a = order[lo + rng.int(size)]!;
    let b = order[lo + rng.int(size)]!;
    if (a === b) b = order[lo + ((rng.int(size - 1) + 1 + (a - lo)) % size)]!;
    const offset = hyperplane(data, d, metric, a, b, normal);
    let left = 0;
    for (let t = lo; t < hi; t++) {
      const p = order[t]!;
      const o = p * d;
      let s = offset;
      for (let c = 0; c < d; c++) s += normal[c]! * data[o + c]!;
      const goLeft = s > 0 || (s === 0 && (rng.next() & 1) === 0);
      side[t - lo] = goLeft ? 1 : 0;
      if (goLeft) left++;
    }
    if (left === 0 || left === size) {
      // Degenerate split (duplicates, or points on the plane): halve at random so the tree still ends.
      left = size >> 1;
      for (let t = 0; t < size; t++) side[t] = t < left ? 1 : 0;
      shuffleRange(order, lo, hi, rng);
    } else {
      partition(order, side, lo, hi);
    }
    stack.push(lo, lo + left, lo + left, hi);
  }
  starts.sort((x, y) => x - y);
  starts.push(n);
  return { order, leafStarts: Int32Array.from(starts) };
}

function hyperplane(data: Float32Array, d: number, metric: Metric, a: number, b: number, normal: Float64Array): number {
  const oa = a * d;
  const ob = b * d;
  if (metric === 'cosine') {
    let na = 0,
      nb = 0;
    for (let c = 0; c < d; c++) {
      na += data[oa + c]! * data[oa + c]!;
      nb += data[ob + c]! * data[ob + c]!;
    }
    na = na > 0 ? 1 / Math.sqrt(na) : 0;
    nb = nb > 0 ? 1 / Math.sqrt(nb) : 0;
    for (let c = 0; c < d; c++) normal[c] = data[oa + c]! * na - data[ob + c]! * nb;
    return 0;
  }
  let offset = 0;
  for (let c = 0; c < d; c++) {
    const x = data[oa + c]!;
    const y = data[ob + c]!;
    normal[c] = x - y;
    offset -= (x - y) * (x + y) * 0.5;
  }
  return offset;
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
