import type { FuzzyGraph } from './types';
import { rowPointers } from './fuzzy-simplicial-set';
import { tridiagonalEigen } from './tridiagonal-eigen';
import { Rng } from './prng';

export type SpectralOutcome = { ok: true; coords: Float64Array } | { ok: false; reason: string };

/** Number of connected components (union–find over the graph's edges). */
function countComponents(g: FuzzyGraph): number {
  const parent = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  let comps = g.n;
  for (let t = 0; t < g.rows.length; t++) {
    const a = find(g.rows[t]!);
    const b = find(g.cols[t]!);
    if (a !== b) {
      parent[a] = b;
      comps--;
    }
  }
  return comps;
}

/** Called after each Lanczos step: pass (0-based), steps done in it, steps per pass, passes at most. */
export type LanczosProgress = (pass: number, step: number, m: number, maxPasses: number) => void;

/**
 * umap-learn's spectral_layout for a connected graph: the eigenvectors of the normalised Laplacian
 * L = I − D^−½ W D^−½ with the smallest non-trivial eigenvalues. We take the largest eigenvectors of
 * M = D^−½ W D^−½ instead (same vectors), by Lanczos with full re-orthogonalisation, deflating the
 * known trivial vector √degree, and explicit restarts until the Ritz residuals are small.
 * A disconnected graph is refused (umap-learn lays out each component; the engine falls back to PCA).
 */
export function spectralLayout(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): SpectralOutcome {
  const steps = spectralSteps(g, nComponents, seed, onStep);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Rows per slice of the solve's long loops (the matvec, the re-orthogonalisation): between slices the
 * solve yields, so a caller can end its step there (about 1–5 ms of work per slice).
 */
const SLICE_ROWS = 1 << 15;

/**
 * spectralLayout as a generator that yields between slices of its work and returns the outcome: the
 * engine runs as many slices per step as fit its step time, so at a million points the init (tens of
 * seconds) still reports progress and can pause at every step. Where it yields changes nothing it
 * computes. Its state (the Krylov basis, m·n doubles) is not checkpointed: a run paused inside it
 * starts the solve again, which gives the same result.
 */
export function* spectralSteps(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): Generator<void, SpectralOutcome> {
  const n = g.n;
  if (n <= nComponents + 1) return { ok: false, reason: `only ${n} points` };
  const comps = countComponents(g);
  yield;
  if (comps > 1) return { ok: false, reason: `the neighbour graph has ${comps} disconnected components` };

  const ptr = rowPointers(g);
  const invSqrtDeg = new Float64Array(n);
  const trivial = new Float64Array(n);
  let tn = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) s += g.weights[p]!;
    invSqrtDeg[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
    trivial[i] = Math.sqrt(s);
    tn += s;
  }
  tn = Math.sqrt(tn);
  for (let i = 0; i < n; i++) trivial[i]! /= tn;
  yield;

  // D^−½ W D^−½ once, so each of the ~200 matrix–vector products gathers one value per edge.
  const scaled = new Float64Array(g.weights.length);
  for (let i = 0; i < n; i++) {
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) scaled[p] = g.weights[p]! * invSqrtDeg[i]! * invSqrtDeg[g.cols[p]!]!;
  }
  yield;
  const cols = g.cols;
  const matvec = function* (x: Float64Array, y: Float64Array): Generator<void> {
    for (let lo = 0; lo < n; lo += SLICE_ROWS) {
      const hi = Math.min(n, lo + SLICE_ROWS);
      for (let i = lo; i < hi; i++) {
        let s = 0;
        for (let p = ptr[i]!; p < ptr[i + 1]!; p++) s += scaled[p]! * x[cols[p]!]!;
        y[i] = s;
      }
      yield;
    }
  };

  const rng = new Rng(seed);
  // Large graphs get a larger Krylov space, which converges in one pass where 64 steps needed three
  // restarts (70k points: 3.7 s instead of 5.4 s); small graphs restart cheaply. The basis is m·n
  // doubles, so m shrinks again for very large n.
  const krylov = n > 20_000 ? Math.max(32, Math.min(96, Math.floor(3.2e7 / n))) : 64;
  const m = Math.min(n - 1, Math.max(4 * nComponents + 20, krylov));
  let start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = rng.normal();
  let best: Float64Array | null = null;
  // Three passes at most: each costs m²·n for re-orthogonalisation, and a large graph whose top
  // eigenvalues crowd near 1 would otherwise restart for a long time for little change in the map.
  const MAX_PASSES = 3;
  for (let restart = 0; restart < MAX_PASSES; restart++) {
    const r = yield* lanczos(matvec, n, m, start, trivial, nComponents, onStep && ((step) => onStep(restart, step, m, MAX_PASSES)));
    if (!r) return { ok: false, reason: 'the Lanczos iteration broke down' };
    best = r.vectors;
    if (r.maxResidual < 1e-4) break;
    // Restart from the sum of the wanted Ritz vectors: keeps what converged, sharpens the rest.
    start = new Float64Array(n);
    for (let c = 0; c < nComponents; c++) for (let i = 0; i < n; i++) start[i]! += best[i * nComponents + c]! * (1 + 0.1 * c);
  }
  for (let t = 0; t < best!.length; t++) if (!Number.isFinite(best![t]!)) return { ok: false, reason: 'the eigen-solve produced non-finite values' };
  return { ok: true, coords: best! };
}

interface LanczosResult {
  vectors: Float64Array; // n × nComponents, row-major
  maxResidual: number;
}

function* lanczos(
  matvec: (x: Float64Array, y: Float64Array) => Generator<void>,
  n: number,
  m: number,
  start: Float64Array,
  deflate: Float64Array,
  nWanted: number,
  onStep?: (step: number) => void,
): Generator<void, LanczosResult | null> {
  const V: Float64Array[] = [];
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  let v = Float64Array.from(start);
  yield* orthogonalise(v, [deflate]);
  const nv = norm(v);
  if (nv === 0) return null;
  scale(v, 1 / nv);
  const w = new Float64Array(n);
  let steps = m;
  for (let j = 0; j < m; j++) {
    V.push(v);
    yield* matvec(v, w);
    const a = dot(w, v);
    alpha[j] = a;
    // The three-term recurrence first; then full re-orthogonalisation against the basis and the
    // trivial vector, repeated only when it cancelled most of what was left (Kahan–Parlett "twice is
    // enough"), which is rare once the recurrence has removed the large components.
    const prev = j > 0 ? V[j - 1]! : null;
    const bPrev = j > 0 ? beta[j - 1]! : 0;
    for (let i = 0; i < n; i++) w[i] = w[i]! - a * v[i]! - (prev ? bPrev * prev[i]! : 0);
    const before = norm(w);
    yield* orthogonalise(w, V);
    yield* orthogonalise(w, [deflate]);
    let b = norm(w);
    if (b < 0.7 * before) {
      yield* orthogonalise(w, V);
      yield* orthogonalise(w, [deflate]);
      b = norm(w);
    }
    beta[j] = b;
    onStep?.(j + 1);
    if (b < 1e-10) {
      steps = j + 1;
      break;
    }
    v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = w[i]! / b;
  }
  const { values, vectors } = tridiagonalEigen(alpha.subarray(0, steps), beta.subarray(0, steps));
  const order = Array.from({ length: steps }, (_, i) => i).sort((x, y) => values[y]! - values[x]!);
  const out = new Float64Array(n * nWanted);
  let maxResidual = 0;
  for (let c = 0; c < nWanted; c++) {
    const col = order[Math.min(c, steps - 1)]!;
    const s = vectors.subarray(col * steps, col * steps + steps);
    maxResidual = Math.max(maxResidual, Math.abs(beta[steps - 1]! * s[steps - 1]!));
    for (let j = 0; j < steps; j++) {
      const coef = s[j]!;
      const Vj = V[j]!;
      for (let i = 0; i < n; i++) out[i * nWanted + c]! += coef * Vj[i]!;
      yield;
    }
  }
  return { vectors: out, maxResidual };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
function scale(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i]! *= s;
}
/** Against each basis vector in turn (two passes over n each): a slice per vector. */
function* orthogonalise(w: Float64Array, basis: Float64Array[]): Generator<void> {
  for (const q of basis) {
    const c = dot(w, q);
    for (let i = 0; i < w.length; i++) w[i]! -= c * q[i]!;
    yield;
  }
}
