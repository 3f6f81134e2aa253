import { exactAttract, exactRepel, lookup, makeGradientTable, type GradientTable } from './gradient-table';

/**
 * The layout's edges, grouped by head point (CSR), with umap-learn's sampling schedule
 * (makeEpochsPerSample): an edge is sampled every epochsPerSample[e] epochs. Built by layoutGraph.
 */
export interface LayoutGraph {
  n: number;
  /** Edges of head i are [ptr[i], ptr[i+1]). */
  ptr: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float32Array;
}

export interface LayoutConstants {
  a: number;
  b: number;
  gamma: number;
  initialAlpha: number;
  negativeSampleRate: number;
  nComponents: number;
  nEpochs: number;
  seed: number;
}

/** Split points [start, end) (default: all) into `parts` contiguous ranges with about equal numbers of edges. */
export function balancedRanges(ptr: Int32Array, parts: number, start = 0, end = ptr.length - 1): Int32Array {
  const lo = ptr[start]!;
  const total = ptr[end]! - lo;
  const bounds = new Int32Array(parts + 1);
  bounds[0] = start;
  let i = start;
  for (let p = 1; p < parts; p++) {
    const target = lo + (total * p) / parts;
    while (i < end && ptr[i]! < target) i++;
    bounds[p] = i;
  }
  bounds[parts] = end;
  return bounds;
}

/**
 * umap-learn's _optimize_layout_euclidean_single_epoch for head points [start, end), at learning
 * rate alpha: the kernel only. The schedule (alpha's decay over the epochs, which epochs run) belongs
 * to optimizeLayoutEuclidean, its driver.
 *
 * Every point is moved only by the Worker that owns it, and every other point is read as it was at
 * the start of the epoch (`prev`). umap-learn's move_other pulls both ends of a sampled edge; here the
 * tail's half is applied by the tail itself: each undirected edge appears in both directions with the
 * same schedule, so when edge j→k is sampled, k→j is too, and j takes the pull it gets as that edge's
 * tail, computed from the two epoch-start positions, besides its own pull as the head (from its
 * running position, before its negative samples). Doubling the head's pull instead has the same mean
 * but lets repulsion win between clusters: maps came out 20 % wider and new points placed into them
 * scored trust@15 0.940 against 0.955 (docs/benchmark.md). The sampling schedule and the negative
 * samples are pure functions of (seed, edge, epoch), so the result is the same for any number of
 * Workers, in either Worker mode, and on resume: deterministic parallel SGD without locks or atomics.
 *
 * Writes the new positions of [start, end) into next (same layout as prev).
 */
export function optimizeLayoutEuclideanSingleEpoch(
  g: LayoutGraph,
  prev: Float32Array,
  next: Float32Array,
  start: number,
  end: number,
  epoch: number,
  alpha: number,
  c: LayoutConstants,
): void {
  if (c.nComponents === 2) epoch2d(g, prev, next, start, end, epoch, alpha, c);
  else epochNd(g, prev, next, start, end, epoch, alpha, c);
}

/** Whether an edge with this schedule is sampled in this epoch: a multiple of eps in (epoch, epoch+1]. */
function sampled(eps: number, epoch: number): boolean {
  return Math.floor((epoch + 1) / eps) > Math.floor(epoch / eps);
}

/** A well-mixed 32-bit hash (lowbias32), used as a counter-based random number generator. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The key every negative sample of this epoch is hashed from. */
export function epochKeyOf(seed: number, epoch: number): number {
  return hash32((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
}

function epoch2d(g: LayoutGraph, prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number, c: LayoutConstants): void {
  const { ptr, tail, epochsPerSample } = g;
  const n = g.n;
  const { a, b } = c;
  const nNeg = c.negativeSampleRate;
  const T = tableFor(c);
  const { attract, repel, size, exactBelow } = T;
  const epochKey = epochKeyOf(c.seed, epoch);
  for (let j = start; j < end; j++) {
    const px = prev[2 * j]!;
    const py = prev[2 * j + 1]!;
    let jx = px;
    let jy = py;
    // The pull j gets as the tail of the reverse edges, added after its own moves.
    let tx = 0;
    let ty = 0;
    for (let e = ptr[j]!; e < ptr[j + 1]!; e++) {
      const eps = epochsPerSample[e]!;
      if (!sampled(eps, epoch)) continue;
      const k = tail[e]!;
      const kx = prev[2 * k]!;
      const ky = prev[2 * k + 1]!;
      const sx = px - kx;
      const sy = py - ky;
      const s2 = sx * sx + sy * sy;
      if (s2 > 0) {
        const coeff = s2 < exactBelow ? exactAttract(s2, a, b) : lookup(attract, size, s2);
        tx += clip4(coeff * sx) * alpha;
        ty += clip4(coeff * sy) * alpha;
      }
      const dx = jx - kx;
      const dy = jy - ky;
      const d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const coeff = d2 < exactBelow ? exactAttract(d2, a, b) : lookup(attract, size, d2);
        jx += clip4(coeff * dx) * alpha;
        jy += clip4(coeff * dy) * alpha;
      }
      let r = hash32((epochKey ^ Math.imul(e, 0x85ebca77)) >>> 0);
      for (let p = 0; p < nNeg; p++) {
        r = hash32((r + 0x6d2b79f5) >>> 0);
        const kk = Math.floor(r * n * 2.3283064365386963e-10); // r·n/2³²: exact, and no fmod
        if (kk === j) continue;
        const ox = jx - prev[2 * kk]!;
        const oy = jy - prev[2 * kk + 1]!;
        const dn = ox * ox + oy * oy;
        if (dn > 0) {
          const coeff = dn < exactBelow ? exactRepel(dn, a, b, c.gamma) : lookup(repel, size, dn);
          jx += clip4(coeff * ox) * alpha;
          jy += clip4(coeff * oy) * alpha;
        } else {
          // Coincident points: umap-learn pushes with the clip value so they separate.
          jx += 4 * alpha;
          jy += 4 * alpha;
        }
      }
    }
    next[2 * j] = jx + tx;
    next[2 * j + 1] = jy + ty;
  }
}

function epochNd(g: LayoutGraph, prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number, c: LayoutConstants): void {
  const { ptr, tail, epochsPerSample } = g;
  const n = g.n;
  const dim = c.nComponents;
  const { a, b } = c;
  const nNeg = c.negativeSampleRate;
  const epochKey = epochKeyOf(c.seed, epoch);
  const T = tableFor(c);
  const cur = new Float64Array(dim);
  const tailPull = new Float64Array(dim);
  for (let j = start; j < end; j++) {
    const jo = j * dim;
    for (let t = 0; t < dim; t++) cur[t] = prev[jo + t]!;
    tailPull.fill(0);
    for (let e = ptr[j]!; e < ptr[j + 1]!; e++) {
      if (!sampled(epochsPerSample[e]!, epoch)) continue;
      const ko = tail[e]! * dim;
      let s2 = 0;
      for (let t = 0; t < dim; t++) s2 += (prev[jo + t]! - prev[ko + t]!) ** 2;
      if (s2 > 0) {
        const coeff = s2 < T.exactBelow ? exactAttract(s2, a, b) : lookup(T.attract, T.size, s2);
        for (let t = 0; t < dim; t++) tailPull[t]! += clip4(coeff * (prev[jo + t]! - prev[ko + t]!)) * alpha;
      }
      let d2 = 0;
      for (let t = 0; t < dim; t++) d2 += (cur[t]! - prev[ko + t]!) ** 2;
      if (d2 > 0) {
        const coeff = d2 < T.exactBelow ? exactAttract(d2, a, b) : lookup(T.attract, T.size, d2);
        for (let t = 0; t < dim; t++) cur[t]! += clip4(coeff * (cur[t]! - prev[ko + t]!)) * alpha;
      }
      let r = hash32((epochKey ^ Math.imul(e, 0x85ebca77)) >>> 0);
      for (let p = 0; p < nNeg; p++) {
        r = hash32((r + 0x6d2b79f5) >>> 0);
        const kk = Math.floor(r * n * 2.3283064365386963e-10); // r·n/2³²: exact, and no fmod
        if (kk === j) continue;
        const ko2 = kk * dim;
        let dn = 0;
        for (let t = 0; t < dim; t++) dn += (cur[t]! - prev[ko2 + t]!) ** 2;
        if (dn > 0) {
          const coeff = dn < T.exactBelow ? exactRepel(dn, a, b, c.gamma) : lookup(T.repel, T.size, dn);
          for (let t = 0; t < dim; t++) cur[t]! += clip4(coeff * (cur[t]! - prev[ko2 + t]!)) * alpha;
        } else {
          for (let t = 0; t < dim; t++) cur[t]! += 4 * alpha;
        }
      }
    }
    for (let t = 0; t < dim; t++) next[jo + t] = cur[t]! + tailPull[t]!;
  }
}

let cached: GradientTable | null = null;

/** The table for these constants, built once per Worker and run. */
export function tableFor(c: LayoutConstants): GradientTable {
  if (!cached || cached.a !== c.a || cached.b !== c.b || cached.gamma !== c.gamma) cached = makeGradientTable(c.a, c.b, c.gamma);
  return cached;
}

function clip4(g: number): number {
  return g > 4 ? 4 : g < -4 ? -4 : g;
}
