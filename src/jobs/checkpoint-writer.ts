// Runs in the job Worker: writes the engine's checkpoints to IndexedDB at its boundaries, so the
// page's main thread never clones or hashes them.
import type { UmapEngine } from '../engine/engine';
import type { ProgressEvent } from '../engine/types';
import { putCheckpoint, putCheckpointDelta, putLayoutState, type CheckpointMeta, type PendingWrite } from './checkpoint-store';
import { describeStorageError } from './jobs-db';

/**
 * Layout checkpoints are spaced so their cost stays under this share of layout time (the issue's
 * budget is 5% of the run; kNN, whose every chunk is saved, uses most of it).
 */
const LAYOUT_BUDGET = 0.01;

/** Assumed IndexedDB commit throughput (200 MB/s) for the cost estimate of a layout save. */
const COMMIT_BYTES_PER_MS = 200_000;

/** Replaying deltas is cheap (heap updates, no distances), so a base may carry several times its size. */
const REBASE_FACTOR = 4;

/**
 * A base (full checkpoint) is written at the first boundary and when kNN ends (the engine has no delta
 * for that step); every other step writes only its delta, the layout's into one slot that each save
 * replaces. Once the chained deltas on a base add up to REBASE_FACTOR times the base, the next step
 * writes a new base instead, which bounds what a resume reads and replays.
 */
export class CheckpointWriter {
  private inFlight: Promise<void> | null = null;
  private failed = false;
  /** The committed base the next delta follows; null until one is written. */
  private base: CheckpointMeta | null = null;
  private baseBytes = 0;
  private deltaBytes = 0;
  private deltaCount = 0;
  private lastLayoutWrite = 0;
  /** What one layout save costs; 0 until one has been timed, so the first is saved at once. */
  private layoutCostMs = 0;
  /** The last boundary's layout step was not saved. */
  private skipped = false;
  /** Milliseconds the engine waited on checkpointing (hashing, cloning, a previous commit). */
  costMs = 0;
  /** Milliseconds and bytes by phase. */
  byPhase: Record<string, { ms: number; bytes: number }> = {};
  written = 0;
  bases = 0;
  bytes = 0;

  constructor(
    private jobId: string,
    private seq: number,
    private onSaved: (meta: CheckpointMeta) => void,
    private onError: (message: string) => void,
  ) {}

  get disabled(): boolean {
    return this.failed;
  }

  /**
   * Called at every engine boundary. kNN and graph steps are always saved (their deltas form a chain);
   * layout deltas replace each other, so they are spaced by what a layout save itself costs (cloning
   * and hashing the embedding, plus its commit) to keep that within budget. `force` saves even so.
   */
  async boundary(engine: UmapEngine, progress: ProgressEvent | null, force = false): Promise<void> {
    if (this.failed) return;
    const phase = engine.phase;
    if (phase === 'done') return; // the result itself is stored by the page
    // A step inside work no checkpoint holds (the fuzzy union, the spectral solve, part of an epoch):
    // what is stored already describes the run. At a stop it is saved anyway if a layout step was skipped.
    if (!engine.stateChanged && !(force && this.skipped)) return;
    const tStart = performance.now();
    const delta = engine.delta();
    const layout = delta?.step.kind === 'layout';
    if (layout && !force && tStart - this.lastLayoutWrite < this.layoutCostMs / LAYOUT_BUDGET) {
      this.skipped = true;
      return;
    }
    this.skipped = false;
    // At most one write in flight, so a reload loses at most the step being written.
    if (this.inFlight) await this.inFlight;
    if (this.failed) return;
    const t0 = performance.now();
    let pending: PendingWrite;
    const isBase = !(delta && this.base && this.deltaBytes < REBASE_FACTOR * this.baseBytes);
    if (!isBase && layout) pending = putLayoutState(this.jobId, this.base!, delta!, progress);
    else if (!isBase) {
      pending = putCheckpointDelta(this.jobId, this.base!, this.deltaCount++, delta!, progress);
      // Layout states replace each other, so only chained deltas add to what a resume replays.
      this.deltaBytes += pending.bytes;
    } else {
      this.seq++;
      pending = putCheckpoint(this.jobId, this.seq, engine.checkpoint(), progress);
      this.base = null;
      this.baseBytes = pending.bytes;
      this.deltaBytes = 0;
      this.deltaCount = 0;
      this.bases++;
    }
    this.bytes += pending.bytes;
    // The engine changes its state in place: it may go on once IndexedDB has its copy.
    await pending.queued;
    const queuedAt = performance.now();
    // Engine time: waiting on the previous commit included.
    const cost = queuedAt - tStart;
    this.costMs += cost;
    let agg = this.byPhase[phase];
    if (!agg) {
      agg = { ms: 0, bytes: 0 };
      this.byPhase[phase] = agg;
    }
    agg.ms += cost;
    agg.bytes += pending.bytes;
    if (layout && !isBase) {
      this.lastLayoutWrite = queuedAt;
      // What this save costs the machine: its clone and hash here, and the browser's work to commit
      // its bytes (estimated; the commit's latency is not a cost, the run goes on meanwhile).
      this.layoutCostMs = queuedAt - t0 + pending.bytes / COMMIT_BYTES_PER_MS;
    }
    this.inFlight = pending.saved.then(
      (meta) => {
        if (isBase) this.base = meta;
        this.written++;
        this.onSaved(meta);
      },
      (e) => {
        this.failed = true;
        this.onError(describeStorageError(e));
      },
    );
  }

  /** At a stop: save the last layout step if the budget skipped it, so a resume starts exactly there. */
  async stopped(engine: UmapEngine, progress: ProgressEvent | null): Promise<void> {
    if (this.skipped) await this.boundary(engine, progress, true);
  }

  /** Wait for the last write (a stopped job's final checkpoint must be on disk before it reports). */
  async flush(): Promise<void> {
    await this.inFlight;
  }

  /** The run's checkpoint line for the job log; null when nothing was written. */
  summary(): string | null {
    if (this.written === 0) return null;
    const phases = Object.entries(this.byPhase).map(([k, v]) => `${k} ${v.ms.toFixed(0)} ms/${(v.bytes / 1e6).toFixed(1)} MB`);
    return `Checkpoints: ${this.written} saved (${this.bases} full, ${this.written - this.bases} steps; ${(this.bytes / 1e6).toFixed(1)} MB), ${this.costMs.toFixed(0)} ms of engine time (${phases.join(', ')}).`;
  }
}
