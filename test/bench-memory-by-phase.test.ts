// The bench names the step that held its memory peak by matching Node's RSS samples to the page's
// progress marks on the wall clock; a mismatch here would send the memory work to the wrong phase.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script module, without types
import { memoryByPhase } from '../scripts/lib/proc-memory.mjs';

describe('memoryByPhase', () => {
  it("gives each phase its own peak above the baseline, and the mark in effect at the run's peak", () => {
    const timeline = [
      { t: 1000, phase: 'knn', at: 'knn: RP trees' },
      { t: 2000, phase: 'knn', at: 'knn: NN-descent iteration 1' },
      { t: 3000, phase: 'init', at: 'init: spectral' },
      { t: 4000, phase: 'layout', at: 'layout: epoch 1' },
    ];
    const samples = [
      { t: 900, rssMb: 600 },
      { t: 1500, rssMb: 900 },
      { t: 2500, rssMb: 1400 },
      { t: 3000, rssMb: 1200 },
      { t: 3900, rssMb: 1300 },
      { t: 4100, rssMb: 1100 },
    ];
    expect(memoryByPhase(samples, timeline, 500)).toEqual({
      byPhase: { start: 100, knn: 900, init: 800, layout: 600 },
      at: 'knn: NN-descent iteration 1',
    });
  });
});
