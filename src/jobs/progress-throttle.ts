// What a running job posts to the page: progress at ~10/s and layout previews every ~200 ms, so a
// fast engine does not flood the page with messages it would only redraw.
import type { ProgressEvent } from '../engine/types';

/**
 * Progress events at most every `everyMs`, except that a phase's first and last events always go
 * through. The newest event held back is kept, to be sent when the run stops or waits (flush), so the
 * page then shows exactly where the run is.
 */
export class ProgressThrottle {
  /** The newest event (without its label, as checkpoints store it), sent or not. */
  latest: ProgressEvent | null = null;
  private unsent: ProgressEvent | null = null;
  private lastPhase = '';
  private lastSent = 0;

  constructor(
    private readonly send: (e: ProgressEvent) => void,
    private readonly now: () => number,
    private readonly everyMs = 100,
  ) {}

  push(e: ProgressEvent): void {
    this.latest = { phase: e.phase, done: e.done, total: e.total, unit: e.unit };
    const t = this.now();
    if (e.phase !== this.lastPhase || e.done >= e.total || t - this.lastSent > this.everyMs) {
      this.lastPhase = e.phase;
      this.lastSent = t;
      this.unsent = null;
      this.send(e);
    } else this.unsent = e;
  }

  /** Send the event held back, if any. */
  flush(): void {
    const e = this.unsent;
    this.unsent = null;
    if (e) this.send(e);
  }
}

/** Layout previews at most every `everyMs`; the last epoch's always. */
export class PreviewThrottle {
  private last = 0;

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number,
  ) {}

  due(epoch: number, nEpochs: number): boolean {
    const t = this.now();
    if (epoch < nEpochs && t - this.last < this.everyMs) return false;
    this.last = t;
    return true;
  }
}
