// Runs in the job Worker: writes the engine's checkpoints to IndexedDB at its boundaries, so the
// page's main thread never clones or hashes them.
import type { UmapEngine } from '../engine/engine';
import { describeStorageError, putCheckpoint, type CheckpointMeta, type ProgressCounters } from './job-store';

/** Checkpoint cost is kept under this share of layout time (the budget is 5%). */
const LAYOUT_BUDGET = 0.04;

export class CheckpointWriter {
  private inFlight: Promise<void> | null = null;
  private failed = false;
  private prevPhase: string;
  private lastLayoutWrite = performance.now();
  private lastCostMs = 0;
  /** Milliseconds the engine waited on checkpointing (hashing, cloning, a previous commit). */
  costMs = 0;
  written = 0;

  constructor(
    private jobId: string,
    private seq: number,
    initialPhase: string,
    private onSaved: (meta: CheckpointMeta) => void,
    private onError: (message: string) => void,
  ) {
    this.prevPhase = initialPhase;
  }

  get disabled(): boolean {
    return this.failed;
  }

  /**
   * Called at every engine boundary. kNN chunks and phase ends are always saved; layout epochs are
   * saved once the time since the last save is large enough that its cost stays within budget.
   */
  async boundary(engine: UmapEngine, progress: ProgressCounters | null): Promise<void> {
    if (this.failed) return;
    const before = this.prevPhase;
    const phase = engine.phase;
    this.prevPhase = phase;
    if (phase === 'done') return; // the result itself is stored by the page
    const t0 = performance.now();
    const always = before === 'knn' || phase !== before;
    if (!always && t0 - this.lastLayoutWrite < this.lastCostMs / LAYOUT_BUDGET) return;
    // At most one write in flight, so a reload loses at most the chunk being written.
    if (this.inFlight) await this.inFlight;
    if (this.failed) return;
    this.seq++;
    const { queued, saved: write } = putCheckpoint(this.jobId, this.seq, engine.checkpoint(), progress);
    // The engine changes its state in place: it may go on once IndexedDB has its copy.
    await queued;
    const cost = performance.now() - t0;
    this.costMs += cost;
    this.lastCostMs = cost;
    this.lastLayoutWrite = performance.now();
    this.inFlight = write.then(
      (meta) => {
        this.written++;
        this.onSaved(meta);
      },
      (e) => {
        this.failed = true;
        this.onError(describeStorageError(e));
      },
    );
  }

  /** Wait for the last write (a stopped job's final checkpoint must be on disk before it reports). */
  async flush(): Promise<void> {
    await this.inFlight;
  }
}
