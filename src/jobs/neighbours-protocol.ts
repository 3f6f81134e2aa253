// The neighbours Worker's protocol (workers/neighbours.worker.ts): it keeps one dataset's rows and
// answers "the k nearest rows of row i" in the original space, exactly. Rows arrive in slices, so no
// single main-thread task clones hundreds of megabytes; rows in shared memory arrive as one view.
import type { Metric } from '../engine/types';
import type { Neighbours } from './neighbour-search';

type NeighboursOutcome = ({ ok: true } & Neighbours) | { ok: false; message: string };

export interface NeighboursWorkerApi {
  /** Start a dataset of n × d rows; `shared`: the whole matrix, a view of shared memory (no copy). */
  begin(n: number, d: number, shared: Float32Array | null): void;
  /** Copy a slice of the rows, starting at float offset `at`. */
  append(at: number, slice: Float32Array): void;
  nearest(row: number, k: number, metric: Metric): NeighboursOutcome;
}
