import * as Comlink from 'comlink';
import type { ComputePool } from '../engine/compute-core';
import type { Candidates, JoinUpdates } from '../engine/nn-descent';
import type { KnnChunk } from '../engine/knn-exact';
import type { RpBuild, RpLeaves } from '../engine/rp-tree';
import type { Metric } from '../engine/types';
import type { RowStore } from '../engine/wasm/row-kernels';
import { layoutViews, sharedLayoutOf } from '../engine/wasm/layout-kernel';
import { releaseArrays } from '../engine/release';
import { balancedRanges, type LayoutConstants, type LayoutGraph } from '../engine/sgd-layout';
import { SplitTransformPool, type TransformPool, type TransformWorker } from '../engine/transform-core';
import type { FittedModel } from '../engine/transform';
import type { ComputeWorkerApi } from './compute-protocol';
import { messageOf } from '../io/error-message';
import { isOutOfMemory } from './memory-error';
import { workerFailure } from './worker-failure';

/** Why the pool could not start, in words: a Worker that did not load says so already. */
function startError(e: unknown): Error {
  if (isOutOfMemory(e)) return new Error(`Not enough memory to give each compute Worker its copy of the rows (${e.message}). Use fewer rows, or fewer concurrent jobs.`);
  if (e instanceof Error && e.message.startsWith('Could not start')) return e;
  return new Error(`Could not start a compute Worker: ${messageOf(e)}`);
}

/**
 * A copy of `a` in shared memory: posted to every Worker, it is shared, where a plain array is cloned
 * once per Worker (at a million points NN-descent's candidates are 240 MB, seconds of copying in
 * which the progress stood still). Written into `reuse` when it fits: shared memory cannot be freed
 * at once (release.ts), so a fresh copy each iteration left one more in every Worker until it collected.
 */
function sharedCopy<T extends Int32Array | Float32Array>(a: T, reuse?: T): T {
  if (reuse === a) return a;
  const fresh = () => (a instanceof Int32Array ? new Int32Array(new SharedArrayBuffer(a.byteLength)) : new Float32Array(new SharedArrayBuffer(a.byteLength)));
  const copy = reuse && reuse.length === a.length ? reuse : fresh();
  copy.set(a);
  return copy as T;
}

/** A join result slot's first size: 64k pairs (768 KB); a Worker whose result is larger writes a larger one. */
const SLOT_BYTES = 12 * 65536;

/**
 * kNN chunks spread over Workers, one per core. Requests go round-robin to whichever Worker is free;
 * the engine applies results in chunk order, so the map does not depend on the pool's size.
 */
export class WorkerPool implements ComputePool {
  private workers: Worker[] = [];
  private remotes: Comlink.Remote<ComputeWorkerApi>[] = [];
  private busy: number[] = [];
  private waiting: (() => void)[] = [];
  private shared = false;
  private layout: {
    ptr: Int32Array;
    ranges: Int32Array;
    dim: number;
    prev: Float32Array | null;
    next: Float32Array | null;
    /** The epoch whose start positions `prev` holds (shared mode), −1 when none. */
    prevEpoch: number;
  } | null = null;

  private constructor(readonly size: number) {}

  /** `store` in shared memory is handed to every Worker as it is; otherwise each gets a copy. */
  static async create(size: number, store: RowStore, metric: Metric): Promise<WorkerPool> {
    const pool = new WorkerPool(size);
    const { n, d } = store;
    const shared = store.shared;
    pool.shared = shared;
    const failures: Promise<never>[] = [];
    try {
      for (let i = 0; i < size; i++) {
        // A policy that forbids Workers here throws at once (a SecurityError), not at load.
        const w = new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), { type: 'module', name: `mapstream-compute-${i}` });
        failures.push(workerFailure(w, 'a compute Worker'));
        pool.workers.push(w);
        pool.remotes.push(Comlink.wrap<ComputeWorkerApi>(w));
        pool.busy.push(0);
      }
      await Promise.race([Promise.all(pool.remotes.map((r) => r.init(shared && store.memory ? store.memory : store.data.slice(), n, d, metric))), ...failures]);
    } catch (e) {
      pool.terminate();
      throw startError(e);
    }
    return pool;
  }

  private async acquire(): Promise<number> {
    for (;;) {
      const i = this.busy.indexOf(0);
      if (i >= 0) {
        this.busy[i] = 1;
        return i;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(i: number): void {
    this.busy[i] = 0;
    this.waiting.shift()?.();
  }

  private async onFree<T>(f: (r: Comlink.Remote<ComputeWorkerApi>) => Promise<T>): Promise<T> {
    const i = await this.acquire();
    try {
      return await f(this.remotes[i]!);
    } finally {
      this.release(i);
    }
  }

  exactKnn(start: number, end: number, k: number): Promise<KnnChunk> {
    return this.onFree((r) => r.exactKnn(start, end, k));
  }
  rpTreeBuild(b: RpBuild, units: number): Promise<{ build: RpBuild; leaves: RpLeaves | null }> {
    // The tree's order goes to whichever Worker is free and comes back: any of them can go on with it.
    // In shared mode it is put in shared memory once and passed by reference from then on: a buffer
    // moved back and forth is held by each message until a collection (4 MB a step at a million points).
    if (this.shared) {
      const order = b.order.buffer instanceof SharedArrayBuffer ? b.order : sharedCopy(b.order);
      return this.onFree((r) => r.rpTreeBuild({ ...b, order }, units));
    }
    return this.onFree((r) => r.rpTreeBuild(Comlink.transfer(b, [b.order.buffer as ArrayBuffer]), units));
  }
  async setLeaves(leaves: RpLeaves): Promise<void> {
    await Promise.all(this.remotes.map((r) => r.setLeaves(leaves)));
  }
  leafPairs(from: number, to: number): Promise<JoinUpdates> {
    return this.onFree((r) => r.leafPairs(from, to, this.slot()));
  }

  /**
   * Shared slots the Workers write join results into, reused once the engine is done with them
   * (doneWith). Results moved by transfer were held by their messages until the job Worker collected
   * garbage, which it rarely does: 1.4 GB by the end of a 1M × 768 kNN (docs/benchmark.md).
   */
  private readonly slots: SharedArrayBuffer[] = [];

  private slot(): SharedArrayBuffer | undefined {
    if (!this.shared) return undefined;
    return this.slots.pop() ?? new SharedArrayBuffer(SLOT_BYTES);
  }

  doneWith(updates: readonly JoinUpdates[]): void {
    for (const u of updates) {
      const buf = u.a.buffer;
      // Only shared mode has slots (and, where the page is not isolated, no SharedArrayBuffer global).
      if (this.shared && buf instanceof SharedArrayBuffer) {
        if (!this.slots.includes(buf)) this.slots.push(buf);
      } else releaseArrays(u.a, u.b, u.dist);
    }
  }
  /** The shared candidate arrays, kept from one iteration to the next (no Worker reads them in between). */
  private heldCandidates: Candidates | null = null;

  async setCandidates(c: Candidates | null): Promise<Candidates | null> {
    const h = this.heldCandidates;
    const sent = c && this.shared ? { ...c, fresh: sharedCopy(c.fresh, h?.fresh), old: sharedCopy(c.old, h?.old), thresholds: sharedCopy(c.thresholds, h?.thresholds) } : c;
    if (sent && this.shared) this.heldCandidates = sent;
    await Promise.all(this.remotes.map((r) => r.setCandidates(sent)));
    return sent;
  }
  localJoin(start: number, end: number): Promise<JoinUpdates> {
    return this.onFree((r) => r.localJoin(start, end, this.slot()));
  }

  async setLayout(g: LayoutGraph, c: LayoutConstants): Promise<void> {
    const dim = c.nComponents;
    if (!this.shared) {
      this.layout = { ptr: g.ptr, ranges: balancedRanges(g.ptr, this.size), dim, prev: null, next: null, prevEpoch: -1 };
      await Promise.all(this.remotes.map((r) => r.setLayout(g, c)));
      return;
    }
    // One copy of the graph for every Worker, in shared memory; the engine's own copy can then go, and
    // is freed now (190 MB at a million points), as the engine no longer reads it.
    const s = sharedLayoutOf(g, c);
    releaseArrays(g.ptr, g.tail, g.epochsPerSample);
    const { graph, prev, next } = layoutViews(s.memory.buffer, s.at, s.n, s.edges, dim);
    this.layout = { ptr: graph.ptr, ranges: balancedRanges(graph.ptr, this.size), dim, prev, next, prevEpoch: -1 };
    await Promise.all(this.remotes.map((r) => r.setSharedLayout(s, c)));
  }

  /**
   * Each Worker moves its own range of points. Shared mode reads and writes two shared buffers;
   * transfer mode posts the embedding to each Worker and copies back its range.
   */
  async layoutEpoch(epoch: number, alpha: number, embedding: Float32Array): Promise<void> {
    const L = this.layout!;
    const { ranges, dim } = L;
    if (L.prev && L.next) {
      L.prev.set(embedding);
      L.prevEpoch = -1;
      await Promise.all(this.remotes.map((r, w) => r.layoutShared(ranges[w]!, ranges[w + 1]!, epoch, alpha)));
      embedding.set(L.next);
      return;
    }
    await this.layoutByCopies(embedding, embedding, ranges, epoch, dim, alpha);
  }

  /** Part of an epoch (points [start, end)), split over the Workers by edges as a whole epoch is. */
  async layoutPoints(epoch: number, alpha: number, prev: Float32Array, next: Float32Array, start: number, end: number): Promise<void> {
    const L = this.layout!;
    const { dim } = L;
    const ranges = balancedRanges(L.ptr, this.size, start, end);
    if (L.prev && L.next) {
      // An epoch's parts all read the same start positions: copied in once, at its first part.
      if (start === 0 || L.prevEpoch !== epoch) {
        L.prev.set(prev);
        L.prevEpoch = epoch;
      }
      await Promise.all(this.remotes.map((r, w) => r.layoutShared(ranges[w]!, ranges[w + 1]!, epoch, alpha)));
      next.set(L.next.subarray(start * dim, end * dim), start * dim);
      return;
    }
    await this.layoutByCopies(prev, next, ranges, epoch, dim, alpha);
  }

  /** Without shared memory: each Worker gets a copy of `from` and sends back its own points' rows. */
  private async layoutByCopies(from: Float32Array, into: Float32Array, ranges: Int32Array, epoch: number, dim: number, alpha: number): Promise<void> {
    const parts = await Promise.all(
      this.remotes.map((r, w) => {
        const copy = from.slice();
        return r.layoutCopy(Comlink.transfer(copy, [copy.buffer]), ranges[w]!, ranges[w + 1]!, epoch, dim, alpha);
      }),
    );
    for (const [w, part] of parts.entries()) into.set(part, ranges[w]! * dim);
  }

  /**
   * A transform's pool: its rows are the new points, and each Worker gets the fitted model (a copy:
   * the fitted rows, map and search index); the split itself is SplitTransformPool's.
   */
  static async forTransform(size: number, store: RowStore, model: FittedModel, keys: Uint32Array): Promise<TransformPool & { terminate(): void }> {
    const pool = await WorkerPool.create(size, store, model.metric);
    try {
      await Promise.all(pool.remotes.map((r) => r.setTransform(model, keys)));
    } catch (e) {
      pool.terminate();
      throw e;
    }
    const workers: TransformWorker[] = pool.remotes.map((r) => ({
      transformKnn: (start, end, k, mode, epsilon, seed) => r.transformKnn(start, end, k, mode, epsilon, seed),
      setTransformLayout: (indices, weights, k, c) => r.setTransformLayout(indices, weights, k, c),
      transformEpochs: (part, start, end, from, to) => r.transformEpochs(Comlink.transfer(part, [part.buffer as ArrayBuffer]), start, end, from, to),
    }));
    return Object.assign(new SplitTransformPool(workers, store.n), { terminate: () => pool.terminate() });
  }

  /**
   * The pool is done with. Its Workers are not terminated here: they end with the job Worker that
   * started them, which the page terminates as soon as the run ends (run-job.ts). Terminating them
   * first, moments before their parent, left Chromium holding that job Worker (listed by CDP
   * Target.getTargets, its thread never done shutting down) after about one run in five with five
   * jobs submitted at once (e2e/worker-count.spec.ts).
   */
  terminate(): void {
    this.workers = [];
    this.remotes = [];
  }
}
