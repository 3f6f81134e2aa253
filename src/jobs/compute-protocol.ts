// The compute Worker's protocol (workers/compute.worker.ts), used by the job's WorkerPool
// (compute-pool.ts). The rows arrive once with init; every other call is one piece of kNN or layout
// work on them. It has no callbacks: each call is answered once.
import type { Candidates, JoinUpdates } from '../engine/nn-descent';
import type { KnnChunk } from '../engine/knn-exact';
import type { RpBuild, RpLeaves } from '../engine/rp-tree';
import type { LayoutConstants, LayoutGraph } from '../engine/sgd-layout';
import type { Metric } from '../engine/types';
import type { SharedLayout } from '../engine/wasm/layout-kernel';
import type { FittedModel } from '../engine/transform';
import type { NeighborRows } from '../engine/transform-knn';

export interface ComputeWorkerApi {
  /** Shared mode posts the job's shared wasm Memory; transfer mode posts a copy of the rows. */
  init(source: WebAssembly.Memory | Float32Array, n: number, d: number, metric: Metric): void;
  exactKnn(start: number, end: number, k: number): KnnChunk;
  /** Go on building an RP tree from the state given; the state back, and the leaves once done. */
  rpTreeBuild(b: RpBuild, units: number): { build: RpBuild; leaves: RpLeaves | null };
  setLeaves(leaves: RpLeaves): void;
  /** With a shared `slot` (shared mode), the pairs are written there and come back as views of it, or of a larger shared memory. */
  leafPairs(from: number, to: number, slot?: SharedArrayBuffer): JoinUpdates;
  /** null: the iteration is over, and the Worker lets go of its candidates. */
  setCandidates(c: Candidates | null): void;
  localJoin(start: number, end: number, slot?: SharedArrayBuffer): JoinUpdates;
  /** Transfer mode: a copy of the layout graph, for this Worker alone. */
  setLayout(g: LayoutGraph, c: LayoutConstants): void;
  /** Shared mode: the graph and the epoch's two embeddings in one shared memory, the pool's. */
  setSharedLayout(s: SharedLayout, c: LayoutConstants): void;
  layoutShared(start: number, end: number, epoch: number, alpha: number): void;
  /** Transfer mode: gets a copy of the embedding, returns the new positions of its own range. */
  layoutCopy(prev: Float32Array, start: number, end: number, epoch: number, dim: number, alpha: number): Float32Array;
  /** A transform: the rows given to init are the new points; the fitted model and their keys come here. */
  setTransform(model: FittedModel, keys: Uint32Array): void;
  transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): NeighborRows;
  setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): void;
  /** Epochs [from, to) of new points [start, end), whose positions `part` holds; returns them moved. */
  transformEpochs(part: Float32Array, start: number, end: number, from: number, to: number): Float32Array;
}
