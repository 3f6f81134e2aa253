import { EngineInputError } from './types';

/**
 * A layout started from given coordinates instead of the spectral init (umap-learn's `init=<array>`),
 * with its own epoch count and initial learning rate: a map that is already arranged needs far fewer
 * epochs, and a smaller step so the first epochs refine it instead of shaking it apart.
 */
export interface WarmStart {
  /** n × nComponents coordinates, row-major: a finished map's (the layout keeps their scale and frame). */
  init: Float32Array;
  nEpochs: number;
  learningRate: number;
}

/**
 * Measured on digits and synthetic mixtures (docs/benchmark.md, "Warm start"): 50 epochs at a
 * learning rate of 0.1 give a min_dist change a trust@15 within 0.003 of a full run at that min_dist,
 * for a quarter of a 200-epoch layout (a tenth of a 500-epoch one).
 */
export const WARM_EPOCHS = 50;
export const WARM_LEARNING_RATE = 0.1;

/** A warm start from a finished map for a run of `runEpochs` epochs: the measured epochs, never more than the run's. */
export function warmStartOf(init: Float32Array, runEpochs: number): WarmStart {
  return { init, nEpochs: Math.min(WARM_EPOCHS, runEpochs), learningRate: WARM_LEARNING_RATE };
}

/** Reject a warm start the layout cannot use, with a message naming the problem. */
export function checkWarmStart(w: WarmStart, n: number, nComponents: number): void {
  if (w.init.length !== n * nComponents) {
    throw new EngineInputError(`The starting map has ${w.init.length} values, but ${n} points × ${nComponents} components = ${n * nComponents} were expected.`);
  }
  for (let t = 0; t < w.init.length; t++) {
    if (!Number.isFinite(w.init[t])) throw new EngineInputError(`The starting map's point ${Math.floor(t / nComponents)} has a coordinate that is not a finite number.`);
  }
  if (!Number.isInteger(w.nEpochs) || w.nEpochs < 0) throw new EngineInputError(`A warm start's epoch count must be a whole number ≥ 0 (got ${w.nEpochs}).`);
  if (!(w.learningRate > 0)) throw new EngineInputError(`A warm start's learning rate must be > 0 (got ${w.learningRate}).`);
}

/**
 * The layout's starting embedding: the given map as it is. umap-learn min–max scales any init to
 * [0, 10] per axis, as the spectral init is; a finished map is already at the scale the layout's
 * curve (a, b) settles to, and shrinking it to that box made the few warm epochs spend themselves
 * re-expanding it (trust@15 on digits 0.975–0.978 instead of 0.983–0.984 at 50 epochs, docs/benchmark.md). Kept as it is, the
 * result also stays in the map's own frame, so the view does not jump.
 */
export function warmInitOf(init: Float32Array): Float32Array {
  return init.slice();
}
