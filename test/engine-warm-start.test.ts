// A layout started from given coordinates (umap-learn's init=<array>): the given map is where it
// starts, a few epochs keep it close, and a stop anywhere resumes to the same bits.
import { describe, expect, it } from 'vitest';
import { UmapEngine, resolveParams, EngineInputError, type EngineCheckpoint } from '../src/engine';
import type { EngineDelta } from '../src/engine/engine';
import { gaussianMixture } from '../src/engine/synthetic';
import { WARM_EPOCHS, WARM_LEARNING_RATE } from '../src/engine/warm-start';
import { meanDisplacement } from './helpers/map-metrics';
import { unpacedSteps } from './helpers/pacers';

const n = 1200;
const d = 24;
const { data } = gaussianMixture({ n, d, seed: 5 });
const m = { data, n, d };
const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

async function finishedMap(): Promise<Float32Array> {
  const e = new UmapEngine(m, resolveParams({ nEpochs: 200 }, n));
  await e.run();
  return e.result().embedding;
}

describe('engine warm start', () => {
  it('with 0 epochs returns the given map, and with a few it stays close to it', async () => {
    const map = await finishedMap();
    const p = resolveParams({ minDist: 0.5 }, n);
    const zero = new UmapEngine(m, p, {}, { warm: { init: map, nEpochs: 0, learningRate: WARM_LEARNING_RATE } });
    await zero.run();
    expect(same(zero.result().embedding, map)).toBe(true);
    expect(zero.result().warmStart).toEqual({ nEpochs: 0, learningRate: WARM_LEARNING_RATE });

    const warm = new UmapEngine(m, p, {}, { warm: { init: map, nEpochs: WARM_EPOCHS, learningRate: WARM_LEARNING_RATE } });
    await warm.run();
    expect(warm.result().log.some((l) => l.startsWith(`Init: started from the given map (warm start): ${WARM_EPOCHS} epochs`))).toBe(true);
    // Measured: points move 0.078 of the map's side on average (clusters spread out for the larger
    // min_dist); a cold run from the spectral init lands elsewhere, 0.21. (Before the layout pulled
    // both ends of an edge, 0.061 and 0.39: its maps drifted further from run to run.)
    const moved = meanDisplacement(map, warm.result().embedding);
    expect(moved).toBeLessThan(0.1);
    const cold = new UmapEngine(m, p);
    await cold.run();
    expect(meanDisplacement(map, cold.result().embedding)).toBeGreaterThan(2.5 * moved);
  });

  it('is deterministic, and resumes bit-identically from checkpoints and from base + deltas', async () => {
    const map = await finishedMap();
    const p = resolveParams({ minDist: 0.3, knnChunkSize: 200 }, n);
    const warm = { init: map, nEpochs: 30, learningRate: WARM_LEARNING_RATE };
    const straight = new UmapEngine(m, p, {}, { warm });
    await straight.run();
    const want = straight.result().embedding;
    const again = new UmapEngine(m, p, {}, { warm: { ...warm, init: map.slice() } });
    await again.run();
    expect(same(again.result().embedding, want)).toBe(true);

    // Full checkpoints, cloned as IndexedDB would: the given map travels in them until the init.
    let cp: EngineCheckpoint | undefined;
    const phases = new Set<string>();
    for (let leg = 0; ; leg++) {
      expect(leg).toBeLessThan(60);
      // Steps as they were before pacing: the legs' count must not depend on this machine's speed.
      const e: UmapEngine = cp ? new UmapEngine(m, p, {}, { checkpoint: cp, pacer: unpacedSteps }) : new UmapEngine(m, p, {}, { warm, pacer: unpacedSteps });
      let steps = 0;
      // Stops where the state changed, as the app saves: a stop inside the fuzzy union (three paced
      // passes, none checkpointed) would replay it whole from the leg's start, for ever.
      const status = await e.run({ shouldStop: () => ++steps > 2 && e.stateChanged });
      phases.add(e.phase);
      if (status === 'done') {
        expect(same(e.result().embedding, want)).toBe(true);
        break;
      }
      cp = structuredClone(e.checkpoint());
    }
    expect(phases.has('knn') && phases.has('layout')).toBe(true);

    // Base + deltas, the job Worker's scheme.
    let base: EngineCheckpoint | undefined;
    let deltas: EngineDelta[] = [];
    for (let leg = 0; ; leg++) {
      expect(leg).toBeLessThan(60);
      const hooks = {
        onBoundary(eng: UmapEngine) {
          const delta = eng.delta();
          if (!delta || !base) {
            base = structuredClone(eng.checkpoint());
            deltas = [];
            return;
          }
          if (delta.step.kind === 'layout') deltas = deltas.filter((x) => x.step.kind !== 'layout');
          deltas.push(structuredClone(delta));
        },
      };
      const e: UmapEngine = base
        ? new UmapEngine(m, p, hooks, { checkpoint: structuredClone(base), deltas: structuredClone(deltas), recordDeltas: true, pacer: unpacedSteps })
        : new UmapEngine(m, p, hooks, { warm, recordDeltas: true, pacer: unpacedSteps });
      let steps = 0;
      const status = await e.run({ shouldStop: () => ++steps > 1 + (leg % 3) && e.stateChanged });
      if (status === 'done') {
        expect(same(e.result().embedding, want)).toBe(true);
        break;
      }
    }
  });

  it('names what is wrong with a starting map it cannot use', () => {
    const p = resolveParams({}, n);
    const bad =
      (init: Float32Array, nEpochs = 10, learningRate = 0.1) =>
      () =>
        new UmapEngine(m, p, {}, { warm: { init, nEpochs, learningRate } });
    expect(bad(new Float32Array(2 * n - 2))).toThrow(EngineInputError);
    expect(bad(new Float32Array(2 * n - 2))).toThrow(`The starting map has ${2 * n - 2} values, but ${n} points × 2 components = ${2 * n} were expected.`);
    const nan = new Float32Array(2 * n);
    nan[7] = Number.NaN;
    expect(bad(nan)).toThrow("The starting map's point 3 has a coordinate that is not a finite number.");
    expect(bad(new Float32Array(2 * n), -1)).toThrow(/epoch count must be a whole number ≥ 0/);
    expect(bad(new Float32Array(2 * n), 10, 0)).toThrow(/learning rate must be > 0/);
  });
});
