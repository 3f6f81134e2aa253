// Runs in the job Worker: writes a transform's checkpoints at its boundaries. Each is a whole
// TransformCheckpoint (the new points' neighbours, weights and positions: small next to a fit's
// state), written as a base with the pointer flip of checkpoint-store.ts, so a torn write falls back.
import type { TransformEngine } from '../engine/transform';
import type { ProgressEvent } from '../engine/types';
import { putCheckpoint, type CheckpointMeta } from './checkpoint-store';
import { describeStorageError } from './jobs-db';

/** Layout boundaries are saved at most this often (every kNN chunk is saved: that is the work a reload may lose). */
const LAYOUT_EVERY_MS = 1000;

export interface TransformCheckpointSink {
  boundary(engine: TransformEngine, progress: ProgressEvent | null, force?: boolean): Promise<void>;
  /** At a stop: the last boundary, if it was skipped. */
  stopped(engine: TransformEngine, progress: ProgressEvent | null): Promise<void>;
  flush(): Promise<void>;
  summary(): string | null;
}

export class TransformCheckpointWriter implements TransformCheckpointSink {
  private inFlight: Promise<void> | null = null;
  private failed = false;
  private skipped = false;
  private lastLayoutWrite = -Infinity;
  private written = 0;
  private bytes = 0;
  private costMs = 0;

  constructor(
    private readonly jobId: string,
    private seq: number,
    private readonly onSaved: (meta: CheckpointMeta) => void,
    private readonly onError: (message: string) => void,
  ) {}

  async boundary(engine: TransformEngine, progress: ProgressEvent | null, force = false): Promise<void> {
    if (this.failed || engine.phase === 'done') return;
    const t0 = performance.now();
    if (engine.phase === 'layout' && !force && t0 - this.lastLayoutWrite < LAYOUT_EVERY_MS) {
      this.skipped = true;
      return;
    }
    this.skipped = false;
    // One write in flight, so a reload loses at most the step being written.
    if (this.inFlight) await this.inFlight;
    if (this.failed) return;
    const pending = putCheckpoint(this.jobId, ++this.seq, engine.checkpoint(), progress);
    // The engine changes its arrays in place: it goes on once IndexedDB has its copy.
    await pending.queued;
    if (engine.phase === 'layout') this.lastLayoutWrite = performance.now();
    this.costMs += performance.now() - t0;
    this.bytes += pending.bytes;
    this.inFlight = pending.saved.then(
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

  async stopped(engine: TransformEngine, progress: ProgressEvent | null): Promise<void> {
    if (this.skipped) await this.boundary(engine, progress, true);
  }

  async flush(): Promise<void> {
    await this.inFlight;
  }

  summary(): string | null {
    if (this.written === 0) return null;
    return `Checkpoints: ${this.written} saved (${(this.bytes / 1e6).toFixed(1)} MB), ${this.costMs.toFixed(0)} ms of engine time.`;
  }
}
