// Shared engine vocabulary. Everything here is plain data (numbers, strings, typed arrays) so it can
// cross a Worker boundary by structured clone and be written to IndexedDB unchanged.

export type Metric = 'euclidean' | 'cosine';

export type PhaseName = 'knn' | 'graph' | 'init' | 'layout';
export const PHASES: readonly PhaseName[] = ['knn', 'graph', 'init', 'layout'];

export interface UmapParams {
  nNeighbors: number;
  minDist: number;
  spread: number;
  /** null means auto: 500 epochs for n <= 10,000, 200 above (umap-learn's rule). */
  nEpochs: number | null;
  metric: Metric;
  seed: number;
  nComponents: 2 | 3;
  /** Rows per kNN query chunk: the unit of progress, parallel work and checkpoints. */
  knnChunkSize: number;
  /** Up to this many points kNN is exact; above it, RP-trees + NN-descent. */
  exactKnnMaxN: number;
  learningRate: number;
  negativeSampleRate: number;
  repulsionStrength: number;
  localConnectivity: number;
  setOpMixRatio: number;
  /** Where kNN chunks and layout epochs run: 'auto' uses a hardware WebGPU adapter if there is one. */
  backend: 'auto' | 'cpu' | 'webgpu';
  /** Share of the GPU's allowance a job may use for its buffers (0–1]. */
  gpuMemoryFraction: number;
}

/** A dense row-major matrix: row i is data[i*d .. i*d+d). */
export interface Matrix {
  data: Float32Array;
  n: number;
  d: number;
}

/** k nearest neighbours per point, row-major n × k, self included at position 0 where found. */
export interface KnnGraph {
  indices: Int32Array;
  distances: Float32Array;
  n: number;
  k: number;
}

/** Symmetric fuzzy graph as COO edges with i < j never assumed: both directions are stored. */
export interface FuzzyGraph {
  n: number;
  rows: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

export interface ProgressEvent {
  phase: PhaseName;
  done: number;
  total: number;
  /** What done/total count: points for kNN and graph, steps for init, epochs for layout. */
  unit: 'points' | 'steps' | 'epochs';
  /** What the step is doing, where the count alone does not say (e.g. which kNN stage). */
  label?: string;
}

export interface PhaseTimings {
  knn: number;
  graph: number;
  init: number;
  layout: number;
}

export interface UmapResult {
  embedding: Float32Array;
  n: number;
  nComponents: number;
  params: UmapParams;
  /** Seconds spent in each phase. */
  timings: PhaseTimings;
  log: string[];
  /** Set when the layout started from given coordinates: the epochs it ran and their learning rate. */
  warmStart?: { nEpochs: number; learningRate: number };
}

/** Thrown for input the engine cannot work on; message is meant for the user. */
export class EngineInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineInputError';
  }
}
