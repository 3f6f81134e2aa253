import type { FuzzyGraph } from './types';
import { rowPointers } from './fuzzy-simplicial-set';
import { tridiagonalEigen } from './tridiagonal-eigen';
import { Rng } from './prng';
import { releaseArrays } from './release';

export type SpectralOutcome = { ok: true; coords: Float64Array } | { ok: false; reason: string };

/**
 * Number of connected components (union–find over the graph's edges), yielding every EDGE_SLICE
 * edges: at a million points the 23M edges' random finds take a second or more.
 */
function* countComponents(g: FuzzyGraph): Generator<void, number> {
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
  yield* inSlices(g.rows.length, EDGE_SLICE, (lo, hi) => {
    for (let t = lo; t < hi; t++) {
      const a = find(g.rows[t]!);
      const b = find(g.cols[t]!);
      if (a !== b) {
        parent[a] = b;
        comps--;
      }
    }
  });
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
 * A spectral solve run a piece at a time, wherever it runs: here (spectralSolver) or on a pool's
 * device (ComputePool.spectralSolver, the GPU). Each advance works while `more()` says the step may go
 * on and gives the outcome once the solve is done.
 */
export interface SpectralSolver {
  advance(more: () => boolean): Promise<SpectralOutcome | null>;
  /** Free what the solve holds (a device's buffers); safe to call more than once. */
  dispose(): void;
}

/** The solve in the calling thread, as slices of spectralSteps. */
export function spectralSolver(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): SpectralSolver {
  const steps = spectralSteps(g, nComponents, seed, onStep);
  let outcome: SpectralOutcome | null = null;
  return {
    async advance(more) {
      if (outcome) return outcome;
      let r = steps.next();
      while (!r.done && more()) r = steps.next();
      if (r.done) outcome = r.value;
      return outcome;
    },
    dispose() {},
  };
}

/**
 * Rows per slice of the solve's long loops (the matvec, the re-orthogonalisation): between slices the
 * solve yields, so a caller can end its step there (about 1–5 ms of work per slice).
 */
const SLICE_ROWS = 1 << 15;
/** Edges per slice of the set-up's passes over the graph (a few ms each). */
const EDGE_SLICE = 1 << 19;

/** `run` over [0, count) in slices of `size`, yielding after each. */
function* inSlices(count: number, size: number, run: (lo: number, hi: number) => void): Generator<void> {
  for (let lo = 0; lo < count; lo += size) {
    run(lo, Math.min(count, lo + size));
    yield;
  }
}

/**
 * spectralLayout as a generator that yields between slices of its work and returns the outcome: the
 * engine runs as many slices per step as fit its step time, so at a million points the init (tens of
 * seconds) still reports progress and can pause at every step. Where it yields changes nothing it
 * computes. Its state (the Krylov basis, m·n doubles) is not checkpointed: a run paused inside it
 * starts the solve again, which gives the same result.
 */
function* spectralSteps(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): Generator<void, SpectralOutcome> {
  const setup = yield* spectralSetup(g, nComponents);
  if (!setup.ok) return setup;
  const { n, ptr, cols, weights, invSqrtDeg, trivial, m } = setup;
  // M·x = D^−½ W (D^−½ x): scaling x first leaves one gathered value per edge, as a stored D^−½ W D^−½
  // would, without holding that matrix (n·k doubles, 192 MB at a million points) and reading half
  // the bytes per edge.
  const z = new Float64Array(n);
  function* matvec(x: Float64Array, y: Float64Array): Generator<void> {
    yield* inSlices(n, SLICE_ROWS, (lo, hi) => {
      for (let i = lo; i < hi; i++) z[i] = invSqrtDeg[i]! * x[i]!;
    });
    yield* inSlices(n, SLICE_ROWS, (lo, hi) => {
      for (let i = lo; i < hi; i++) {
        let s = 0;
        for (let p = ptr[i]!; p < ptr[i + 1]!; p++) s += weights[p]! * z[cols[p]!]!;
        y[i] = invSqrtDeg[i]! * s;
      }
    });
  }
  let start = lanczosStart(n, seed);
  let best: Float64Array | null = null;
  // One basis for every pass: a fresh one each restart left the last pass's m vectors as garbage
  // (256 MB at a million points), which the init's peak memory held until a collection.
  const basis: Float64Array[] = [];
  try {
    for (let restart = 0; restart < MAX_PASSES; restart++) {
      const r = yield* lanczos(matvec, n, m, start, trivial, nComponents, basis, onStep && ((step) => onStep(restart, step, m, MAX_PASSES)));
      if (!r) return { ok: false, reason: 'the Lanczos iteration broke down' };
      releaseArrays(best);
      best = r.vectors;
      if (r.maxResidual < RESIDUAL_TOLERANCE) break;
      releaseArrays(start);
      start = restartVector(best, n, nComponents);
    }
    return finiteOutcome(best!);
  } finally {
    // The basis is m·n doubles (256 MB at a million points), garbage from here on; freed now, also
    // when a pause ends the solve (see release.ts).
    releaseArrays(...basis, z, start);
  }
}

/**
 * Three passes at most: each costs m²·n for re-orthogonalisation, and a large graph whose top
 * eigenvalues crowd near 1 would otherwise restart for a long time for little change in the map.
 */
export const MAX_PASSES = 3;
/** A pass whose wanted Ritz residuals are all below this ends the solve. */
export const RESIDUAL_TOLERANCE = 1e-4;

/**
 * What a Lanczos solve needs of the graph: W as CSR rows and D^−½, so M = D^−½ W D^−½; √degree
 * normalised; the Krylov size. A device solve also gets M's values, as float32.
 */
export interface SpectralSetup {
  ok: true;
  n: number;
  ptr: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
  invSqrtDeg: Float64Array;
  /** M's values in CSR order, for a device's solve (spectralSetup's `forDevice`); null otherwise. */
  scaled: Float32Array | null;
  trivial: Float64Array;
  /** Lanczos steps per pass. */
  m: number;
}

/** The graph's part of the solve, shared by the CPU and GPU solvers; a refusal where it cannot run. */
export function* spectralSetup(g: FuzzyGraph, nComponents: number, forDevice = false): Generator<void, SpectralSetup | { ok: false; reason: string }> {
  const n = g.n;
  if (n <= nComponents + 1) return { ok: false, reason: `only ${n} points` };
  const comps = yield* countComponents(g);
  if (comps > 1) return { ok: false, reason: `the neighbour graph has ${comps} disconnected components` };

  const ptr = rowPointers(g);
  const invSqrtDeg = new Float64Array(n);
  const trivial = new Float64Array(n);
  let tn = 0;
  yield* inSlices(n, SLICE_ROWS, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      let s = 0;
      for (let p = ptr[i]!; p < ptr[i + 1]!; p++) s += g.weights[p]!;
      invSqrtDeg[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
      trivial[i] = Math.sqrt(s);
      tn += s;
    }
  });
  tn = Math.sqrt(tn);
  for (let i = 0; i < n; i++) trivial[i]! /= tn;

  // A device's matvec reads M itself, one float per edge.
  const scaled = forDevice ? new Float32Array(g.weights.length) : null;
  if (scaled)
    yield* inSlices(n, SLICE_ROWS, (lo, hi) => {
      for (let i = lo; i < hi; i++) {
        for (let p = ptr[i]!; p < ptr[i + 1]!; p++) scaled[p] = g.weights[p]! * invSqrtDeg[i]! * invSqrtDeg[g.cols[p]!]!;
      }
    });
  return { ok: true, n, ptr, cols: g.cols, weights: g.weights, invSqrtDeg, scaled, trivial, m: krylovSize(n, nComponents) };
}

/**
 * Lanczos steps per pass. Large graphs get a larger Krylov space, which converges in one pass where 64
 * steps needed three restarts (70k points: 3.7 s instead of 5.4 s); small graphs restart cheaply. The
 * basis is m·n doubles, so m shrinks again for very large n.
 */
export function krylovSize(n: number, nComponents: number): number {
  const krylov = n > 20_000 ? Math.max(32, Math.min(96, Math.floor(3.2e7 / n))) : 64;
  return Math.min(n - 1, Math.max(4 * nComponents + 20, krylov));
}

/** The first pass's start vector: normal draws from the solve's seed. */
export function lanczosStart(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = rng.normal();
  return start;
}

/** A restart's start vector, the sum of the wanted Ritz vectors: keeps what converged, sharpens the rest. */
export function restartVector(best: ArrayLike<number>, n: number, nComponents: number): Float64Array {
  const start = new Float64Array(n);
  for (let c = 0; c < nComponents; c++) for (let i = 0; i < n; i++) start[i]! += best[i * nComponents + c]! * (1 + 0.1 * c);
  return start;
}

export function finiteOutcome(coords: Float64Array): SpectralOutcome {
  for (let t = 0; t < coords.length; t++) if (!Number.isFinite(coords[t]!)) return { ok: false, reason: 'the eigen-solve produced non-finite values' };
  return { ok: true, coords };
}

/**
 * The wanted Ritz vectors of a pass as combinations of its basis: coefs[c·steps + j] multiplies basis
 * vector j for component c (largest eigenvalues first), and the largest of their residuals.
 */
export function ritzCoefficients(alpha: Float64Array, beta: Float64Array, steps: number, nWanted: number): { coefs: Float64Array; maxResidual: number } {
  const { values, vectors } = tridiagonalEigen(alpha.subarray(0, steps), beta.subarray(0, steps));
  const order = Array.from({ length: steps }, (_, i) => i).sort((x, y) => values[y]! - values[x]!);
  const coefs = new Float64Array(nWanted * steps);
  let maxResidual = 0;
  for (let c = 0; c < nWanted; c++) {
    const col = order[Math.min(c, steps - 1)]!;
    const s = vectors.subarray(col * steps, col * steps + steps);
    maxResidual = Math.max(maxResidual, Math.abs(beta[steps - 1]! * s[steps - 1]!));
    coefs.set(s, c * steps);
  }
  return { coefs, maxResidual };
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
  /** The basis vectors' storage, reused from pass to pass; each is overwritten whole before it is read. */
  basis: Float64Array[],
  onStep?: (step: number) => void,
): Generator<void, LanczosResult | null> {
  const vector = (j: number) => (basis[j] ??= new Float64Array(n));
  const V: Float64Array[] = [];
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  let v = vector(0);
  v.set(start);
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
    if (j + 1 === m) break; // no next vector to make
    v = vector(j + 1);
    for (let i = 0; i < n; i++) v[i] = w[i]! / b;
  }
  releaseArrays(w);
  const { coefs, maxResidual } = ritzCoefficients(alpha, beta, steps, nWanted);
  const out = new Float64Array(n * nWanted);
  for (let c = 0; c < nWanted; c++) {
    for (let j = 0; j < steps; j++) {
      const coef = coefs[c * steps + j]!;
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
