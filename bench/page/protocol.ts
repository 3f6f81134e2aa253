// Messages between the bench page and each peer Worker. Plain data only, so structured clone suffices.
import type { UmapParams } from '../../src/engine/types';

export interface BenchParams {
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  metric: 'euclidean' | 'cosine';
  seed: number;
  /** mapstream's compute Workers; absent = one per core, as in the app. */
  threads?: number;
}

/** Seconds per phase; null where the implementation does not let us see the boundary. */
export interface BenchPhases {
  knn: number | null;
  graph: number | null;
  init: number | null;
  optimise: number | null;
}

export interface RunRequest {
  type: 'run';
  data: Float32Array;
  n: number;
  d: number;
  params: BenchParams;
}

export interface RunDone {
  type: 'done';
  embedding: Float32Array;
  /** From the vectors being in this Worker's memory (and in the peer's input format) to the final embedding. */
  wallS: number;
  phases: BenchPhases;
  epochs: number;
  notes: string[];
}

export interface RunFailed {
  type: 'error';
  message: string;
}

/** Sent once the input is in the peer's own format, just before its clock starts. */
export interface RunReady {
  type: 'ready';
}

export type WorkerReply = RunDone | RunFailed | RunReady;

/** The fit the bench's transform places new points into, and the new points (all transferred). */
export interface TransformRequest {
  type: 'transform';
  fitData: Float32Array;
  n: number;
  d: number;
  /** The fitted map as the fit returned it, n × 2. */
  fitEmbedding: Float32Array;
  /** The fit's resolved parameters (the job's result.params). */
  fitParams: UmapParams;
  queries: Float32Array;
  m: number;
}

export interface TransformDone {
  type: 'transform-done';
  /** m × 2 coordinates of the new points. */
  embedding: Float32Array;
  /** The fitted map as the model holds it after the transform: what --out writes. */
  fittedAfter: Float32Array;
  /** From the new vectors being in this Worker (model ready) to their coordinates. */
  transformS: number;
  /** Building the fitted model (recomputing the fit's kNN graph, the search index): not transform time. */
  modelS: number;
  phases: { knn: number; graph: number; init: number; layout: number };
  epochs: number;
  log: string[];
}

export type TransformReply = TransformDone | RunFailed;
