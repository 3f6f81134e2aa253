// Step schedules for engine tests: the app's pacer sizes steps by measured time, which a test that
// counts steps must not depend on (see src/engine/step-pacer.ts).
import { Rng } from '../../src/engine/prng';
import type { StepPacer } from '../../src/engine/step-pacer';

/**
 * The engine's steps as they were before pacing: kNN joins and graph rows in their first (fixed)
 * chunk sizes, the candidate sampling and the fuzzy union one step per pass, the init and each epoch
 * in one step. A stop inside the union (or any step where stateChanged is false) saves nothing, so a
 * test that resumes from checkpoint() stops only where the state changed, as the app does.
 */
export const unpacedSteps: StepPacer = {
  units: (work, first) => (work === 'join' || work === 'graph' ? first : 1e9),
  record() {},
  more: () => true,
};

/** Everything in as few steps as the engine allows. */
export const wholeSteps: StepPacer = { units: () => 1e9, record() {}, more: () => true };

/** A schedule by dice: chunk sizes from 1 to `max` units, and a coin (`goOn`) for whether a step goes on. */
export class RandomPacer implements StepPacer {
  private rng: Rng;
  constructor(
    seed: number,
    private readonly max: number | ((work: string) => number),
    private readonly goOn = 0.7,
  ) {
    this.rng = new Rng(seed);
  }
  units(work: string): number {
    return 1 + this.rng.int(typeof this.max === 'number' ? this.max : this.max(work));
  }
  record(): void {}
  more(): boolean {
    return this.rng.float() < this.goOn;
  }
}
