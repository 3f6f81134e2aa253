// Driving a resumable engine (the fit's UmapEngine and the transform's) step by step, with the
// yields that let pause and cancel messages in between.
import type { PhaseName, PhaseTimings } from './types';

export interface RunControl {
  /** Checked at every chunk or epoch boundary; true stops the run there (it can be resumed). */
  shouldStop?(): boolean;
}

export function now(): number {
  return performance.now();
}

/** A resumable engine as runSteps drives it: one step at a time, its live state valid between steps. */
interface Stepper {
  readonly phase: PhaseName | 'done';
  step(): void | Promise<void>;
  checkpoint(): { timings: PhaseTimings };
}

/**
 * Step until done or until control.shouldStop() answers true at a boundary; each step's time goes to
 * its phase. The fit and the transform both run this way, so a stop lands at the same kind of boundary.
 */
export async function runSteps(engine: Stepper, control: RunControl, onBoundary: () => unknown): Promise<'done' | 'stopped'> {
  while (engine.phase !== 'done') {
    if (control.shouldStop?.()) return 'stopped';
    const phase = engine.phase;
    const t0 = now();
    await engine.step();
    engine.checkpoint().timings[phase] += (now() - t0) / 1000;
    await onBoundary();
    await yieldToEventLoop();
  }
  return 'done';
}

/**
 * Let queued messages (pause, cancel) run between steps. MessageChannel avoids setTimeout's 4 ms
 * clamp, which would add up over hundreds of epochs.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}
