// The `holdAt` fault (faults.ts): a test makes a run wait at a known step boundary instead of racing
// a short job with a pause or a cancel.
import type { ProgressEvent } from '../engine/types';
import type { Boundary } from './faults';

/** Waits once, at the first boundary whose progress has reached `at`, until released. */
export class BoundaryHold {
  private armed = true;
  private resume: (() => void) | null = null;

  constructor(private readonly at: Boundary) {}

  /**
   * Called at every boundary with the newest progress. At the hold's boundary it calls `beforeWait`
   * (which saves a step the checkpoint budget skipped and sends the page that boundary's progress),
   * then waits for release().
   */
  async reached(latest: ProgressEvent | null, beforeWait: () => void | Promise<void>): Promise<void> {
    if (!this.armed || !latest || latest.phase !== this.at.phase || latest.done < this.at.done) return;
    this.armed = false;
    // Waiting begins before the page hears of it, so a release it sends at once is not lost.
    const released = new Promise<void>((r) => (this.resume = r));
    await beforeWait();
    await released;
  }

  /** Let a held run go on; a release before the boundary cancels the hold. */
  release(): void {
    this.armed = false;
    this.resume?.();
    this.resume = null;
  }
}
