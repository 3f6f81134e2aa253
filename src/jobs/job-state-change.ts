// What the state owner announces with each accepted transition (job-state.ts), and the progress a
// run reports to it.
import type { ProgressEvent } from '../engine/types';

export type Transition =
  | 'submitted'
  | 'found'
  | 'adopted'
  | 'interrupted'
  | 'heldElsewhere'
  | 'takenOver'
  | 'refreshed'
  | 'vanished'
  | 'claimed'
  | 'started'
  | 'progressed'
  | 'checkpointed'
  | 'restored'
  | 'datasetStored'
  | 'reused'
  | 'storageWarned'
  | 'paused'
  | 'resumed'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'retried'
  | 'retryRefused'
  | 'prioritised'
  | 'moved'
  | 'removed'
  | 'expired';

/**
 * What an accepted transition asks of the store: nothing, the record now, the record if it was not
 * written a moment ago, the job's outcome (result, checkpoints, then the record), or the job deleted.
 */
export type Save = 'none' | 'record' | 'throttled' | 'outcome' | 'delete';

export interface JobChange {
  id: string;
  transition: Transition;
  save: Save;
  /** Immediate jobs are never stored; said here since a deleted job can no longer be looked up. */
  immediate: boolean;
}

/** A progress event as the run reports it: the counters, plus timing for the ETA and elapsed time. */
export interface RunProgress extends ProgressEvent {
  etaS: number | null;
  /** Seconds of this run so far. */
  elapsedS: number;
}
