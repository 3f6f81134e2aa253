import type { FuzzyGraph, KnnGraph } from './types';
import { releaseArrays } from './release';

/**
 * umap-learn's compute_membership_strengths: the weight of each directed kNN edge i → c,
 * exp(−(d − ρᵢ)/σᵢ), or 1 within ρᵢ. Laid out like the kNN graph (row-major n × k); a point's edge to
 * itself and a missing neighbour (index −1) get 0.
 */
export function computeMembershipStrengths(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array): Float32Array {
  const w = new Float32Array(knn.n * knn.k);
  membershipRows(knn, rhos, sigmas, w, 0, knn.n);
  return w;
}

function membershipRows(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array, w: Float32Array, start: number, end: number): void {
  const { k, indices, distances } = knn;
  for (let i = start; i < end; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const c = indices[t]!;
      if (c < 0 || c === i) continue;
      const dd = distances[t]! - rhos[i]!;
      w[t] = dd <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-(dd / sigmas[i]!));
    }
  }
}

/**
 * umap-learn's fuzzy_simplicial_set from the kNN graph and its smooth_knn_dist output (which the
 * engine computes first, in resumable row chunks): the membership strengths, then the fuzzy union.
 */
export function fuzzySimplicialSet(knn: KnnGraph, rhos: Float32Array, sigmas: Float32Array, setOpMixRatio: number): FuzzyGraph {
  const u = new FuzzyUnion(knn, rhos, sigmas, setOpMixRatio);
  return u.advance(u.total)!;
}

/**
 * The fuzzy union A + Aᵀ − A∘Aᵀ (set_op_mix_ratio blends towards the intersection) of the directed
 * membership strengths, built as CSR rows sorted by column: memory is O(n·k) typed arrays, never a
 * Map or object-keyed matrix. It runs as three passes over the rows (the strengths and each row's
 * count; bucketing both directions of every edge; sorting and merging each row), one sequence of 3n
 * row units that `advance` takes in pieces of any size, with the same result for any split: at a
 * million points the whole union is seconds, which the engine spreads over paced steps.
 */
export class FuzzyUnion {
  private unit = 0;
  private w: Float32Array;
  private readonly counts: Int32Array;
  private col = new Int32Array(0);
  private fwd = new Float32Array(0); // A[i][c]
  private back = new Float32Array(0); // Aᵀ[i][c] = A[c][i]
  private fill = new Int32Array(0);
  private outRows = new Int32Array(0);
  private outCols = new Int32Array(0);
  private outW = new Float32Array(0);
  private m = 0;

  constructor(
    private readonly knn: KnnGraph,
    private readonly rhos: Float32Array,
    private readonly sigmas: Float32Array,
    private readonly mix: number,
  ) {
    this.w = new Float32Array(knn.n * knn.k);
    this.counts = new Int32Array(knn.n + 1);
  }

  /** Row units in all. */
  get total(): number {
    return 3 * this.knn.n;
  }

  get done(): number {
    return this.unit;
  }

  /** The pass the next unit belongs to (0, 1, 2): they run at different rates per row. */
  get pass(): number {
    return Math.min(2, Math.floor(this.unit / this.knn.n));
  }

  /**
   * Run `units` more row units, stopping early at the end of the current pass (`untilPassEnd`); the
   * graph once the last is done, else null.
   */
  advance(units: number, untilPassEnd = false): FuzzyGraph | null {
    const n = this.knn.n;
    const passEnd = untilPassEnd ? (this.pass + 1) * n : this.total;
    const end = Math.min(passEnd, this.total, this.unit + Math.max(1, units));
    while (this.unit < end) {
      const pass = Math.floor(this.unit / n);
      const lo = this.unit - pass * n;
      const hi = Math.min(n, lo + (end - this.unit));
      if (pass === 0) this.strengths(lo, hi);
      else if (pass === 1) this.bucket(lo, hi);
      else this.merge(lo, hi);
      this.unit += hi - lo;
      if (this.unit === n) this.allocateBuckets();
      if (this.unit === 2 * n) this.allocateOutput();
    }
    if (this.unit < this.total) return null;
    // Views, not copies: a pair that is in both directions is one entry, so m is ~80 % of the buckets,
    // and at a million points a copy to size was 290 MB more at the phase's peak, and half a second.
    const m = this.m;
    return { n, rows: this.outRows.subarray(0, m), cols: this.outCols.subarray(0, m), weights: this.outW.subarray(0, m) };
  }

  // Each directed edge (i→c) appears once in A; (c→i) from Aᵀ. Both are bucketed by row.
  private strengths(lo: number, hi: number): void {
    const { knn, w, counts } = this;
    const { k, indices } = knn;
    membershipRows(knn, this.rhos, this.sigmas, w, lo, hi);
    for (let t = lo * k; t < hi * k; t++) {
      if (w[t]! <= 0) continue;
      counts[Math.floor(t / k) + 1]!++;
      counts[indices[t]! + 1]!++;
    }
  }

  private allocateBuckets(): void {
    const { counts } = this;
    const n = this.knn.n;
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
    const total = counts[n]!;
    this.col = new Int32Array(total);
    this.fwd = new Float32Array(total);
    this.back = new Float32Array(total);
    this.fill = counts.slice(0, n);
  }

  private bucket(lo: number, hi: number): void {
    const { w, col, fwd, back, fill } = this;
    const { k, indices } = this.knn;
    for (let t = lo * k; t < hi * k; t++) {
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
  }

  /**
   * The merge writes its output over the buckets it reads: row i's entries start at or after its
   * output's (each pair of entries gives at most one), and each entry is read before anything is
   * written where it lies. So the union needs no second set of arrays (336 MB at a million points).
   * The strengths are all bucketed by now.
   */
  private allocateOutput(): void {
    this.outRows = new Int32Array(this.back.buffer, this.back.byteOffset, this.back.length);
    this.outCols = this.col;
    this.outW = this.fwd;
    // The strengths and the fill counters are bucketed: freed now, not at a collection (release.ts).
    releaseArrays(this.w, this.fill);
    this.w = new Float32Array(0);
    this.fill = new Int32Array(0);
  }

  // Sort each row by column and merge the (at most two) entries per pair. Rows are short (about 2k
  // entries), so an insertion sort in place beats sorting an index array with a comparator (at 100k
  // points the pass took 371 ms that way); a hub's long row still gets the comparator sort.
  private merge(lo: number, hi: number): void {
    const { counts, col, fwd, back, outRows, outCols, outW, mix } = this;
    let m = this.m;
    for (let i = lo; i < hi; i++) {
      const a0 = counts[i]!;
      const a1 = counts[i + 1]!;
      if (a1 - a0 <= LONG_ROW) sortRowInPlace(col, fwd, back, a0, a1);
      else sortRowByIndex(col, fwd, back, a0, a1);
      for (let p = a0; p < a1; p++) {
        let a = fwd[p]!;
        let b = back[p]!;
        if (p + 1 < a1 && col[p + 1] === col[p]) {
          p++;
          a += fwd[p]!;
          b += back[p]!;
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
    this.m = m;
  }
}

/** Rows longer than this are sorted through an index array. */
const LONG_ROW = 64;

function sortRowInPlace(col: Int32Array, fwd: Float32Array, back: Float32Array, a0: number, a1: number): void {
  for (let p = a0 + 1; p < a1; p++) {
    const c = col[p]!;
    const f = fwd[p]!;
    const b = back[p]!;
    let q = p - 1;
    while (q >= a0 && col[q]! > c) {
      col[q + 1] = col[q]!;
      fwd[q + 1] = fwd[q]!;
      back[q + 1] = back[q]!;
      q--;
    }
    col[q + 1] = c;
    fwd[q + 1] = f;
    back[q + 1] = b;
  }
}

function sortRowByIndex(col: Int32Array, fwd: Float32Array, back: Float32Array, a0: number, a1: number): void {
  const order = Array.from({ length: a1 - a0 }, (_, t) => a0 + t).sort((x, y) => col[x]! - col[y]!);
  const c = order.map((p) => col[p]!);
  const f = order.map((p) => fwd[p]!);
  const b = order.map((p) => back[p]!);
  col.set(c, a0);
  fwd.set(f, a0);
  back.set(b, a0);
}

/** Row pointers of a row-sorted COO graph (rows are sorted by construction). */
export function rowPointers(g: FuzzyGraph): Int32Array {
  const ptr = new Int32Array(g.n + 1);
  for (let t = 0; t < g.rows.length; t++) ptr[g.rows[t]! + 1]!++;
  for (let i = 0; i < g.n; i++) ptr[i + 1]! += ptr[i]!;
  return ptr;
}
