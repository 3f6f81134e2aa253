// The state UmapEngine keeps and saves: its checkpoint, the deltas of its steps, and where a run may
// start. Plain numbers, strings and typed arrays throughout (structured-cloneable).
import type { FuzzyGraph, KnnGraph, PhaseName, PhaseTimings, UmapParams } from './types';
import type { KnnState, KnnStepDelta } from './knn-phase';

/**
 * A complete, resumable snapshot of a run: plain numbers, strings and typed arrays, so it can be
 * posted between Workers or written to IndexedDB as it is. Restoring it continues at the exact
 * chunk or epoch where it was taken.
 */
export interface EngineCheckpoint {
  version: 1;
  n: number;
  d: number;
  params: UmapParams;
  phase: PhaseName | 'done';
  timings: PhaseTimings;
  log: string[];
  knnState: KnnState | null;
  knn: KnnGraph | null;
  graphRowsDone: number;
  rhos: Float32Array | null;
  sigmas: Float32Array | null;
  graph: FuzzyGraph | null;
  embedding: Float32Array | null;
  /** Epochs of the layout already applied to `embedding`. */
  epoch: number;
  /**
   * A layout started from given coordinates: its epochs and learning rate, and the coordinates until
   * the init step has put them in `embedding` (absent in checkpoints from before warm starts).
   */
  warm?: { init: Float32Array | null; nEpochs: number; learningRate: number } | null;
}

/**
 * What one step changed, to be applied to the state at the boundary before it: a checkpoint is a full
 * EngineCheckpoint (a base) followed by the deltas of the steps since, so each kNN chunk stores only
 * its own work instead of the whole neighbour state, and the graph and init, which are cheap to replay
 * from the kNN graph, never store the fuzzy graph. A layout delta holds the whole embedding, so it
 * replaces every layout delta before it.
 */
export type EngineStepDelta =
  | { kind: 'knn'; step: KnnStepDelta }
  /** Rows of rho/sigma; the last graph step (`final`) is replayed with the fuzzy union it ran. */
  | { kind: 'graph'; start: number; rhos: Float32Array; sigmas: Float32Array; final: boolean }
  /** The embedding after `epoch` layout epochs; epoch 0 is the init's result. */
  | { kind: 'layout'; epoch: number; embedding: Float32Array };

export interface EngineDelta {
  version: 1;
  /** The phase the step ran in. The end of kNN takes a new base; later phase changes are deltas. */
  phase: PhaseName;
  step: EngineStepDelta;
  timings: PhaseTimings;
  log: string[];
}

/**
 * Start past the phases that made this graph (a stored one of the same data and parameters): the kNN
 * graph starts at the graph phase, the fuzzy graph at init. The run is then the one that made it.
 */
export type GraphStart = { knn: KnnGraph } | { graph: FuzzyGraph };
