// Messages between the bench page and each peer Worker. Plain data only, so structured clone suffices.

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
