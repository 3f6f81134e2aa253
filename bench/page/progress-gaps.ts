// The longest waits between two progress events the page receives from a job: how long the app's
// progress bar would stand still. Measured where the page gets them, so it includes the Worker's
// boundary work (checkpoints, previews) and the message hops, not only the engine's steps.
import type { ProgressEvent } from '../../src/engine/types';

/** One wait: `s` seconds between the event `from` and the next one, `to` (it fell in the step that ended with `to`). */
export interface Gap {
  s: number;
  from: string;
  to: string;
}

export interface ProgressGap {
  /** Seconds of the longest gap, the first to the last event of the run. */
  maxS: number;
  from: string | null;
  to: string | null;
  /** The longest gaps, longest first (at most TOP): where a run stalls, not only its worst place. */
  top: Gap[];
  /** Gaps longer than a second. */
  overOneS: number;
  /** Progress events the page received. */
  events: number;
  /**
   * Where the run was, at most every TIMELINE_MS and at each phase change: the bench matches its
   * memory samples (taken in Node, on the same wall clock) to these, to say which step held the peak.
   */
  timeline: { t: number; phase: string; at: string }[];
}

const TOP = 5;
const TIMELINE_MS = 250;

const describe = (e: ProgressEvent) => `${e.phase}${e.label ? `: ${e.label}` : ''} (${e.done}/${e.total} ${e.unit})`;

export class ProgressGaps {
  private last: { t: number; e: ProgressEvent } | null = null;
  private top: Gap[] = [];
  private overOneS = 0;
  private events = 0;
  private timeline: ProgressGap['timeline'] = [];

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** Epoch milliseconds, the clock Node's memory sampler reads too. */
    private readonly wall: () => number = () => Date.now(),
  ) {}

  push(e: ProgressEvent): void {
    const t = this.now();
    this.events++;
    const w = this.wall();
    const prev = this.timeline[this.timeline.length - 1];
    if (!prev || prev.phase !== e.phase || w - prev.t >= TIMELINE_MS) this.timeline.push({ t: w, phase: e.phase, at: describe(e) });
    if (this.last) {
      const s = (t - this.last.t) / 1000;
      if (s > 1) this.overOneS++;
      if (this.top.length < TOP || s > this.top[TOP - 1]!.s) {
        this.top.push({ s, from: describe(this.last.e), to: describe(e) });
        this.top.sort((a, b) => b.s - a.s);
        this.top.length = Math.min(this.top.length, TOP);
      }
    }
    this.last = { t, e };
  }

  result(): ProgressGap {
    const worst = this.top[0];
    return { maxS: worst?.s ?? 0, from: worst?.from ?? null, to: worst?.to ?? null, top: this.top.slice(), overOneS: this.overOneS, events: this.events, timeline: this.timeline };
  }
}
