// The longest wait between two progress events the page receives from a job: how long the app's
// progress bar would stand still. Measured where the page gets them, so it includes the Worker's
// boundary work (checkpoints, previews) and the message hops, not only the engine's steps.
import type { ProgressEvent } from '../../src/engine/types';

export interface ProgressGap {
  /** Seconds between the two events, the first to the last event of the run. */
  maxS: number;
  /** The events around the longest gap: it fell in the step that ended with `to`. */
  from: string | null;
  to: string | null;
  /** Progress events the page received. */
  events: number;
}

const describe = (e: ProgressEvent) => `${e.phase}${e.label ? `: ${e.label}` : ''} (${e.done}/${e.total} ${e.unit})`;

export class ProgressGaps {
  private last: { t: number; e: ProgressEvent } | null = null;
  private worst: { s: number; from: string; to: string } | null = null;
  private events = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  push(e: ProgressEvent): void {
    const t = this.now();
    this.events++;
    if (this.last) {
      const s = (t - this.last.t) / 1000;
      if (!this.worst || s > this.worst.s) this.worst = { s, from: describe(this.last.e), to: describe(e) };
    }
    this.last = { t, e };
  }

  result(): ProgressGap {
    return { maxS: this.worst?.s ?? 0, from: this.worst?.from ?? null, to: this.worst?.to ?? null, events: this.events };
  }
}
