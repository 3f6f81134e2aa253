import { Rng } from './prng';
import { gramSchmidt } from './pca-init';

/** What a finished reduction reports beside its rows. */
export interface PcaSummary {
  k: number;
  /** Share of the data's total variance the k components keep (0–1), computed from the data itself. */
  varianceKept: number;
  /** Variance along each kept component, largest first. */
  componentVariance: Float64Array;
}

/** Progress of the reduction: passes over the rows done, and rows done within the current pass. */
export interface PcaProgress {
  pass: number;
  passes: number;
  rows: number;
  n: number;
}

/** Extra random directions beyond k: the range finder's accuracy comes from them (Halko et al. 2011). */
const OVERSAMPLE = 10;
/** Power iterations: each sharpens the top of the spectrum; two is the usual choice for embeddings. */
const POWER_ITERATIONS = 2;
/** Passes over the rows: the mean, the sketch, the power iterations, the projection. */
export const PCA_PASSES = 3 + POWER_ITERATIONS;

/**
 * Randomized PCA of an n × d row matrix to k dimensions, streamed over row blocks so that it never
 * holds more than the d × (k + 10) sketch beside the input and output: a generator that yields after
 * each block of `blockRows` rows, so its caller can report progress and let other work run.
 *
 * Passes: (1) the mean and the total variance; (2) Y = Xcᵀ Xc Ω for a Gaussian Ω; (3…) power
 * iterations Y = Xcᵀ Xc Q on the orthonormalised Q; the last one also gives C = Qᵀ Xcᵀ Xc Q, whose
 * eigenvectors rotate Q onto the principal directions; (last) every row projected onto the top k.
 * The rows are never centred in place: (x − μ)·q is computed as x·q − μ·q.
 */
export function* streamedPca(
  data: Float32Array,
  n: number,
  d: number,
  k: number,
  out: Float32Array,
  opts: { seed?: number; blockRows?: number } = {},
): Generator<PcaProgress, PcaSummary, void> {
  if (!Number.isInteger(k) || k < 1 || k > d) throw new RangeError(`k must be a whole number from 1 to ${d} (got ${k}).`);
  if (n < 2) throw new RangeError('PCA needs at least 2 rows.');
  if (out.length < n * k) throw new RangeError(`The output holds ${out.length} values; n × k = ${n * k}.`);
  const l = Math.min(d, k + OVERSAMPLE);
  const block = Math.max(1, opts.blockRows ?? 2048);
  const rng = new Rng(opts.seed ?? 42);
  let pass = 0;
  const progress = (rows: number): PcaProgress => ({ pass, passes: PCA_PASSES, rows, n });

  // Pass 1: mean and total variance (sum of squares about the mean, by the two-moment formula in float64).
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let at = 0; at < n; at += block) {
    const end = Math.min(n, at + block);
    for (let i = at; i < end; i++) {
      const o = i * d;
      for (let c = 0; c < d; c++) {
        const x = data[o + c]!;
        mean[c]! += x;
        sq[c]! += x * x;
      }
    }
    yield progress(end);
  }
  let total = 0;
  for (let c = 0; c < d; c++) {
    mean[c]! /= n;
    total += sq[c]! - n * mean[c]! * mean[c]!;
  }
  total = Math.max(total, 0) / (n - 1);

  // Q is d × l, row-major (Q[c * l + j]), so the inner loops run over the l contiguous columns.
  let Q = new Float64Array(d * l);
  for (let t = 0; t < Q.length; t++) Q[t] = rng.normal();
  let Y = new Float64Array(d * l);
  const z = new Float64Array(l);
  const muQ = new Float64Array(l);
  for (let it = 0; it <= POWER_ITERATIONS; it++) {
    pass++;
    if (it > 0) gramSchmidt(Q, d, l);
    muQ.fill(0);
    for (let c = 0; c < d; c++) for (let j = 0; j < l; j++) muQ[j]! += mean[c]! * Q[c * l + j]!;
    Y.fill(0);
    for (let at = 0; at < n; at += block) {
      const end = Math.min(n, at + block);
      for (let i = at; i < end; i++) {
        const o = i * d;
        projectCentred(data, o, d, Q, l, muQ, z);
        for (let c = 0; c < d; c++) {
          const x = data[o + c]! - mean[c]!;
          const q = c * l;
          for (let j = 0; j < l; j++) Y[q + j]! += x * z[j]!;
        }
      }
      yield progress(end);
    }
    if (it < POWER_ITERATIONS) [Q, Y] = [Y, Q];
  }
  // Q is orthonormal and Y = Xcᵀ Xc Q: C = Qᵀ Y is the l × l Gram matrix of the projected rows.
  const C = new Float64Array(l * l);
  for (let a = 0; a < l; a++) {
    for (let b = a; b < l; b++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += Q[c * l + a]! * Y[c * l + b]!;
      C[a * l + b] = s;
      C[b * l + a] = s;
    }
  }
  const { values, vectors } = symmetricEigen(C, l);
  const order = Array.from({ length: l }, (_, j) => j).sort((a, b) => values[b]! - values[a]!);
  // W = Q V_k: the top k principal directions, d × k.
  const W = new Float64Array(d * k);
  const componentVariance = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const v = order[j]!;
    componentVariance[j] = Math.max(values[v]!, 0) / (n - 1);
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += Q[c * l + a]! * vectors[a * l + v]!;
      W[c * k + j] = s;
    }
  }
  const muW = new Float64Array(k);
  for (let c = 0; c < d; c++) for (let j = 0; j < k; j++) muW[j]! += mean[c]! * W[c * k + j]!;

  pass++;
  const row = new Float64Array(k);
  for (let at = 0; at < n; at += block) {
    const end = Math.min(n, at + block);
    for (let i = at; i < end; i++) {
      const o = i * d;
      projectCentred(data, o, d, W, k, muW, row);
      for (let j = 0; j < k; j++) out[i * k + j] = row[j]!;
    }
    yield progress(end);
  }
  let kept = 0;
  for (const v of componentVariance) kept += v;
  return { k, varianceKept: total > 0 ? Math.min(1, kept / total) : 1, componentVariance };
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric l × l matrix: values, and vectors as columns. */
function symmetricEigen(M: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const A = M.slice();
  const V = new Float64Array(l * l);
  for (let i = 0; i < l; i++) V[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += A[p * l + p]! ** 2;
      for (let q = p + 1; q < l; q++) off += A[p * l + q]! ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = A[p * l + q]!;
        if (apq === 0) continue;
        const theta = (A[q * l + q]! - A[p * l + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let r = 0; r < l; r++) {
          const arp = A[r * l + p]!;
          const arq = A[r * l + q]!;
          A[r * l + p] = cos * arp - sin * arq;
          A[r * l + q] = sin * arp + cos * arq;
        }
        for (let r = 0; r < l; r++) {
          const apr = A[p * l + r]!;
          const aqr = A[q * l + r]!;
          A[p * l + r] = cos * apr - sin * aqr;
          A[q * l + r] = sin * apr + cos * aqr;
        }
        for (let r = 0; r < l; r++) {
          const vrp = V[r * l + p]!;
          const vrq = V[r * l + q]!;
          V[r * l + p] = cos * vrp - sin * vrq;
          V[r * l + q] = sin * vrp + cos * vrq;
        }
      }
    }
  }
  const values = new Float64Array(l);
  for (let i = 0; i < l; i++) values[i] = A[i * l + i]!;
  return { values, vectors: V };
}

/**
 * Row `o` of the data, centred, times the d × m matrix M, into `into`: x·M − μ·M, with μ·M given
 * (`muM`), so the row is never copied to centre it.
 */
function projectCentred(data: ArrayLike<number>, o: number, d: number, M: Float64Array, m: number, muM: Float64Array, into: Float64Array): void {
  for (let j = 0; j < m; j++) into[j] = -muM[j]!;
  for (let c = 0; c < d; c++) {
    const x = data[o + c]!;
    const r = c * m;
    for (let j = 0; j < m; j++) into[j]! += x * M[r + j]!;
  }
}
