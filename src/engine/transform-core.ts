import type { FittedModel } from './fitted-model';
import { FittedSearch, queryRows, type NeighborRows, type QueryRows } from './transform-knn';
import { transformEpochRange, type TransformLayoutInput } from './transform-layout';
import type { LayoutConstants } from './sgd-layout';

/**
 * The transform's work that can run anywhere the model and the new rows are: the job's own Worker
 * or a pool Worker. New points are independent of each other and the fitted map is read-only, so
 * any split of the points across Workers gives the same bits as one thread.
 */
export class TransformCore {
  private search: FittedSearch | null = null;
  private layout: { indices: Int32Array; weights: Float32Array; k: number; c: LayoutConstants } | null = null;
  readonly rows: QueryRows;

  constructor(
    readonly model: FittedModel,
    data: Float32Array,
    m: number,
    keys: Uint32Array,
  ) {
    this.rows = queryRows(model, data, m, keys);
  }

  /** Neighbours of new points [start, end) among the fitted points. */
  knn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): NeighborRows {
    this.search ??= new FittedSearch(this.model);
    return mode === 'exact' ? this.search.exact(this.rows, start, end, k) : this.search.graph(this.rows, start, end, k, epsilon, seed);
  }

  setLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): void {
    this.layout = { indices, weights, k, c };
  }

  /** Epochs [from, to) of new points [start, end), whose positions `part` holds ((end − start) × dim), in place; returns `part`. */
  epochs(part: Float32Array, start: number, end: number, from: number, to: number): Float32Array {
    const L = this.layout;
    if (!L) throw new Error('transform epochs before setLayout');
    const { k } = L;
    const g: TransformLayoutInput = {
      indices: L.indices.subarray(start * k, end * k),
      weights: L.weights.subarray(start * k, end * k),
      k,
      keys: this.rows.keys.subarray(start, end),
      fitted: this.model.embedding,
      fittedN: this.model.n,
    };
    for (let e = from; e < to; e++) transformEpochRange(g, part, 0, end - start, e, L.c);
    return part;
  }
}

/**
 * Where a transform's kNN chunks and SGD epochs run. The pool may split a range of new points any
 * way it likes: each point's result depends only on itself, so the result is the same for any size.
 */
export interface TransformPool {
  readonly size: number;
  transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): Promise<NeighborRows>;
  setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): Promise<void>;
  /** Epochs [from, to) of every new point, updating `embedding` (m × dim) in place. */
  transformEpochs(embedding: Float32Array, from: number, to: number): Promise<void>;
}

/** A pool of one that computes in the calling thread. */
export class LocalTransformPool implements TransformPool {
  readonly size = 1;
  constructor(readonly core: TransformCore) {}
  async transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): Promise<NeighborRows> {
    return this.core.knn(start, end, k, mode, epsilon, seed);
  }
  async setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): Promise<void> {
    this.core.setLayout(indices, weights, k, c);
  }
  async transformEpochs(embedding: Float32Array, from: number, to: number): Promise<void> {
    this.core.epochs(embedding, 0, this.core.rows.m, from, to);
  }
}

/** One Worker's side of a split pool: a TransformCore's methods, answered across a message port. */
export interface TransformWorker {
  transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): Promise<NeighborRows>;
  setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): Promise<void>;
  /** Returns `part` (new points [start, end)) after epochs [from, to). */
  transformEpochs(part: Float32Array, start: number, end: number, from: number, to: number): Promise<Float32Array>;
}

/**
 * A pool over Workers that each hold the model and the new rows: kNN chunks are cut evenly across
 * them, and each runs a whole step's epochs on its own range of points, since new points never read
 * each other: no epoch needs a barrier, and the bits are those of one thread.
 */
export class SplitTransformPool implements TransformPool {
  constructor(
    private readonly workers: TransformWorker[],
    private readonly m: number,
  ) {}

  get size(): number {
    return this.workers.length;
  }

  async transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): Promise<NeighborRows> {
    const b = evenRanges(start, end, this.size);
    const parts = await Promise.all(b.slice(1).map((hi, w) => this.workers[w]!.transformKnn(b[w]!, hi, k, mode, epsilon, seed)));
    const indices = new Int32Array((end - start) * k);
    const distances = new Float32Array((end - start) * k);
    for (const p of parts) {
      indices.set(p.indices, (p.start - start) * k);
      distances.set(p.distances, (p.start - start) * k);
    }
    return { start, end, k, indices, distances };
  }

  async setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): Promise<void> {
    await Promise.all(this.workers.map((w) => w.setTransformLayout(indices, weights, k, c)));
  }

  async transformEpochs(embedding: Float32Array, from: number, to: number): Promise<void> {
    const b = evenRanges(0, this.m, this.size);
    const dim = embedding.length / Math.max(1, this.m);
    const parts = await Promise.all(b.slice(1).map((hi, w) => this.workers[w]!.transformEpochs(embedding.slice(b[w]! * dim, hi * dim), b[w]!, hi, from, to)));
    for (const [w, part] of parts.entries()) embedding.set(part, b[w]! * dim);
  }
}

/** [start, end) cut into `parts` near-equal ranges (bounds, parts + 1 of them): a new point's work is about the same for all. */
function evenRanges(start: number, end: number, parts: number): number[] {
  const p = Math.max(1, Math.min(parts, end - start));
  return Array.from({ length: p + 1 }, (_, i) => start + Math.floor(((end - start) * i) / p));
}
