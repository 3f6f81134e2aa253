// How much work one engine step takes on, so that every step (and so every progress event and every
// chance to pause) comes within about a target time at any data size.
import { now } from './run-steps';

/**
 * Sizes the chunks of the engine's long computations. Every chunked computation gives the same numbers
 * for any sequence of sizes (its chunks are contiguous pieces of one fixed sequence of work), so a
 * pacer moves only where step boundaries fall, never the result: the timing-driven default and a
 * test's fixed or random schedule produce the same map bit for bit.
 */
export interface StepPacer {
  /**
   * Units of `work` for the next chunk (≥ 1): `first` until the rate of this work is known, then what
   * that rate does in the target time.
   */
  units(work: string, first: number): number;
  /** What the chunk just run did: `units` of `work` in `ms` milliseconds. */
  record(work: string, units: number, ms: number): void;
  /** For work that is not counted in units (the spectral solve): whether a step begun at `t0` may go on. */
  more(t0: number): boolean;
}

/** The time one step aims at: progress and pause stay well inside a second on a busy machine. */
const STEP_TARGET_MS = 250;

/**
 * The default pacer: each work's rate is measured on its last chunk, and the next chunk is what that
 * rate does in the target time, growing at most 4× per chunk (a chunk that ran fast by chance, or a
 * cache that was warm, must not make the next one run for seconds).
 */
export class AdaptivePacer implements StepPacer {
  private rates = new Map<string, { units: number; perMs: number }>();

  constructor(
    private readonly targetMs = STEP_TARGET_MS,
    private readonly clock: () => number = now,
  ) {}

  units(work: string, first: number): number {
    const r = this.rates.get(work);
    if (!r) return Math.max(1, Math.floor(first));
    return Math.max(1, Math.floor(Math.min(4 * r.units, r.perMs * this.targetMs)));
  }

  record(work: string, units: number, ms: number): void {
    // A chunk measured at 0 ms (a coarse clock) says only that it was fast.
    this.rates.set(work, { units, perMs: units / Math.max(ms, 0.5) });
  }

  more(t0: number): boolean {
    return this.clock() - t0 < this.targetMs;
  }
}
