import type { Metric } from './types';
import { exactKnnChunk, exactRowScale, type KnnChunk } from './knn-exact';
import { advanceRpBuild, type RpBuild, type RpLeaves, type SplitSide } from './rp-tree';
import { JoinBuffer, leafPairs, localJoin, type Candidates, type JoinUpdates, type PairDistance } from './nn-descent';
import { dotRows, sqDist } from './distance';
import { allocateRowStore, rowKernels, wasmSimdSupported, type RowStore } from './wasm/row-kernels';
import { layoutKernel, layoutViews, sharedLayoutKernel, type LayoutKernel, type SharedLayout } from './wasm/layout-kernel';
import { optimizeLayoutEuclideanSingleEpoch, type LayoutConstants, type LayoutGraph } from './sgd-layout';
import type { EpochRunner } from './optimize-layout';
import type { FuzzyGraph, KnnGraph } from './types';
import type { LanczosProgress, SpectralSolver } from './spectral-layout';

/**
 * The kNN work that can run anywhere the data is: in the job's own Worker or in a pool Worker.
 * It holds the data once (a plain or shared Float32Array) and answers chunk requests.
 */
export class ComputeCore {
  private rowScale: Float64Array | null = null;
  private candidates: Candidates | null = null;
  readonly orderDist: PairDistance;
  private splitSide!: SplitSide;

  readonly data: Float32Array;
  private store: RowStore | null;
  /** 'js' when the rows are plain, or this Worker could not compile the SIMD kernels (rowKernels). */
  kernels!: 'wasm' | 'js';

  /**
   * With a RowStore the rows are read where they are (shared memory needs no copy); given a plain
   * array, the rows are copied once into private wasm memory when SIMD is available.
   */
  constructor(
    source: Float32Array | RowStore,
    readonly n: number,
    readonly d: number,
    readonly metric: Metric,
  ) {
    if (source instanceof Float32Array) {
      if (wasmSimdSupported()) {
        this.store = allocateRowStore(n, d, false);
        this.store.data.set(source);
        this.data = this.store.data;
      } else {
        this.store = null;
        this.data = source;
      }
    } else {
      this.store = source;
      this.data = source.data;
    }
    this.orderDist = this.makeOrderDistance();
  }

  exactKnn(start: number, end: number, k: number): KnnChunk {
    this.rowScale ??= exactRowScale(this.data, this.n, this.d, this.metric);
    return exactKnnChunk(this.data, this.n, this.d, this.metric, this.rowScale, start, end, k);
  }

  /** Go on building an RP tree (advanceRpBuild): the state back, and the leaves once it is done. */
  rpTreeBuild(b: RpBuild, units: number): { build: RpBuild; leaves: RpLeaves | null } {
    return { build: b, leaves: advanceRpBuild(b, units, this.splitSide) };
  }

  private leaves: RpLeaves | null = null;

  /** The tree whose leaf pairs the next leafPairs calls measure. */
  setLeaves(leaves: RpLeaves): void {
    this.leaves = leaves;
  }

  /**
   * Every pair inside leaves [from, to) of the tree set, with its distance: in arrays of its own, or
   * written into the pool's shared `slot` (views of it, or of a larger shared memory when it is short).
   */
  leafPairs(from: number, to: number, slot?: SharedArrayBuffer): JoinUpdates {
    if (!this.leaves) throw new Error('leafPairs before setLeaves');
    return leafPairs(this.leaves, this.orderDist, from, to, slot ? new JoinBuffer(0, slot) : undefined);
  }

  setCandidates(c: Candidates | null): void {
    this.candidates = c;
  }

  private readonly joinOut = new JoinBuffer();

  /** Points [start, end) joined: into `slot` as leafPairs does, or gathered in a kept buffer and copied out. */
  localJoin(start: number, end: number, slot?: SharedArrayBuffer): JoinUpdates {
    if (!this.candidates) throw new Error('localJoin before setCandidates');
    if (slot) return localJoin(this.candidates, start, end, this.orderDist, new JoinBuffer(0, slot));
    const u = localJoin(this.candidates, start, end, this.orderDist, this.joinOut);
    return { a: u.a.slice(), b: u.b.slice(), dist: u.dist.slice(), count: u.count, evals: u.evals };
  }

  /** Moves points [start, end) for one epoch: the wasm kernel, or the JS one over the graph. */
  private layoutMove: ((prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number) => void) | null = null;
  /** Which kernel moves this core's points: the SIMD wasm one (2-D, where it compiles) or the JS one. */
  layoutKernel: 'wasm' | 'js' = 'js';

  setLayout(g: LayoutGraph, c: LayoutConstants): void {
    this.sharedLayout = null;
    this.setLayoutMove(g, c, layoutKernel(g, c));
  }

  /** The epoch's two embeddings when the layout is in shared memory, which layoutShared moves in. */
  private sharedLayout: { prev: Float32Array; next: Float32Array } | null = null;

  /** The pool's one copy of the graph in shared memory (sharedLayoutOf), read in place. */
  setSharedLayout(s: SharedLayout, c: LayoutConstants): void {
    const v = layoutViews(s.memory.buffer, s.at, s.n, s.edges, s.dim);
    this.sharedLayout = { prev: v.prev, next: v.next };
    this.setLayoutMove(v.graph, c, sharedLayoutKernel(s, c));
  }

  private setLayoutMove(g: LayoutGraph, c: LayoutConstants, kernel: LayoutKernel | null): void {
    // Both kernels give the same bits, so which one runs never changes a map or a resumed checkpoint.
    this.layoutKernel = kernel ? 'wasm' : 'js';
    // The wasm kernel reads its own layout memory, so only the JS one keeps `g` (at a million points,
    // 190 MB a Worker when it is a private copy).
    this.layoutMove = kernel ? (...a) => kernel.epoch(...a) : (prev, next, start, end, epoch, alpha) => optimizeLayoutEuclideanSingleEpoch(g, prev, next, start, end, epoch, alpha, c);
  }

  /** Points [start, end) for one epoch over the shared layout: its epoch-start positions into its next ones. */
  layoutShared(start: number, end: number, epoch: number, alpha: number): void {
    const s = this.sharedLayout;
    if (!s) throw new Error('layoutShared before setSharedLayout');
    this.layoutRange(s.prev, s.next, start, end, epoch, alpha);
  }

  /** Move points [start, end) for one epoch at learning rate alpha, reading prev and writing next. */
  layoutRange(prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number): void {
    if (!this.layoutMove) throw new Error('layoutRange before setLayout');
    this.layoutMove(prev, next, start, end, epoch, alpha);
  }

  /** Squared euclidean or 1 − cos: same order as the true distance, cheaper to compute. */
  private makeOrderDistance(): PairDistance {
    const { data, d } = this;
    const k = this.store ? rowKernels(this.store) : null; // null: JS kernels
    this.kernels = k ? 'wasm' : 'js';
    if (this.metric === 'euclidean') {
      const sq = k ? k.sqDist : (i: number, j: number) => sqDist(data, d, i, j);
      this.splitSide = (p, a, b) => sq(p, b) - sq(p, a);
      return sq;
    }
    const dot = k ? k.dot : (i: number, j: number) => dotRows(data, d, i, j);
    // The exact kernel's per-row scale for cosine is the inverse norm: computed once, shared by both.
    const inv = exactRowScale(data, this.n, d, 'cosine');
    this.rowScale = inv;
    this.splitSide = (p, a, b) => dot(p, a) * inv[a]! - dot(p, b) * inv[b]!;
    return (i, j) => {
      const c = 1 - dot(i, j) * inv[i]! * inv[j]!;
      return c < 0 ? 0 : c;
    };
  }
}

/**
 * Where kNN chunks and layout epochs run. The engine issues up to `size` kNN requests at once and
 * applies results in order; layout epochs come from optimizeLayoutEuclidean, with their learning rate.
 */
export interface ComputePool extends EpochRunner {
  readonly size: number;
  exactKnn(start: number, end: number, k: number): Promise<KnnChunk>;
  rpTreeBuild(b: RpBuild, units: number): Promise<{ build: RpBuild; leaves: RpLeaves | null }>;
  setLeaves(leaves: RpLeaves): Promise<void>;
  leafPairs(from: number, to: number): Promise<JoinUpdates>;
  /**
   * The iteration's candidates, for localJoin; back, the arrays the pool now holds them in (shared
   * memory: the caller keeps those and lets its own go). null at the iteration's end frees them.
   */
  setCandidates(c: Candidates | null): Promise<Candidates | null>;
  localJoin(start: number, end: number): Promise<JoinUpdates>;
  /**
   * Optional: the caller has applied these updates (leafPairs' or localJoin's) and reads them no more,
   * so the pool may write into their memory again; absent, the caller frees them (releaseArrays).
   */
  doneWith?(updates: readonly JoinUpdates[]): void;
  /** The pool may keep `g` or free its arrays once it has a copy: the caller does not read it after. */
  setLayout(g: LayoutGraph, c: LayoutConstants): Promise<void>;
  /**
   * Optional: part of an epoch, points [start, end) moved from `prev` (the epoch-start positions) into
   * `next`, so an epoch too long for one step runs as several. A pool that batches epochs
   * (layoutEpochs, the GPU) has none.
   */
  layoutPoints?(epoch: number, alpha: number, prev: Float32Array, next: Float32Array, start: number, end: number): Promise<void>;
  /**
   * Optional: smoothKnnDist of rows [start, end) on the pool's device (the GPU), into rhos and sigmas;
   * absent, and the job's thread smooths them.
   */
  smoothKnnDist?(knn: KnnGraph, localConnectivity: number, meanAll: number, start: number, end: number, rhos: Float32Array, sigmas: Float32Array): Promise<void>;
  /**
   * Optional: the spectral init's solve on the pool's device (the GPU), seeded like the engine's own;
   * absent, or null for this graph, and the job's thread solves it.
   */
  spectralSolver?(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): SpectralSolver | null;
}

/** A pool of one that computes in the calling thread: Node tests, and the no-Worker fallback. */
export class LocalPool implements ComputePool {
  readonly size = 1;
  constructor(readonly core: ComputeCore) {}
  async exactKnn(start: number, end: number, k: number) {
    return this.core.exactKnn(start, end, k);
  }
  async rpTreeBuild(b: RpBuild, units: number) {
    return this.core.rpTreeBuild(b, units);
  }
  async setLeaves(leaves: RpLeaves) {
    this.core.setLeaves(leaves);
  }
  async leafPairs(from: number, to: number) {
    return this.core.leafPairs(from, to);
  }
  async setCandidates(c: Candidates | null) {
    this.core.setCandidates(c);
    return c;
  }
  async localJoin(start: number, end: number) {
    return this.core.localJoin(start, end);
  }
  private n = 0;
  async setLayout(g: LayoutGraph, c: LayoutConstants) {
    this.n = g.n;
    this.core.setLayout(g, c);
  }
  async layoutEpoch(epoch: number, alpha: number, embedding: Float32Array) {
    this.core.layoutRange(embedding.slice(), embedding, 0, this.n, epoch, alpha);
  }
  async layoutPoints(epoch: number, alpha: number, prev: Float32Array, next: Float32Array, start: number, end: number) {
    this.core.layoutRange(prev, next, start, end, epoch, alpha);
  }
}
