// The engine's paced steps: the pacer decides where step boundaries fall (by measured time in the app),
// and nothing it decides may change a number. Runs with different chunk schedules, and resumed from
// checkpoints taken inside chunked work, must give the same map bit for bit.
import { describe, expect, it } from 'vitest';
import { ComputeCore, LocalPool, UmapEngine, resolveParams, type EngineCheckpoint } from '../src/engine';
import type { Candidates } from '../src/engine/nn-descent';
import type { EngineDelta } from '../src/engine/engine';
import { AdaptivePacer, type StepPacer } from '../src/engine/step-pacer';
import { gaussianMixture } from '../src/engine/synthetic';
import { RandomPacer, wholeSteps } from './helpers/pacers';

const n = 3000;
const d = 32;
const { data } = gaussianMixture({ n, d, seed: 5 });
// NN-descent (exact search stops at 500 points) and few epochs, so every chunked stage runs.
const params = resolveParams({ nEpochs: 30, exactKnnMaxN: 500, knnChunkSize: 200 }, n);

// Work a stop interrupts inside the union, the spectral solve or an epoch is redone on resume, so the
// resume tests' schedules finish each such stage within a few steps (the init in a few thousand slices),
// and their legs are a few steps long: every stage is still stopped inside. The checkpointed stages
// (sampling, joins, smoothing) take small chunks, so stops fall inside them too.
const resumePacer = (seed: number) => new RandomPacer(seed, (work) => (work.startsWith('union') ? n : work === 'layout' || work === 'tree' ? 3 * n : 300), 0.9995);

interface Seen {
  steps: number;
  /** Labels of boundaries inside chunked work: which stages were split. */
  inside: Set<string>;
}

function watch(seen: Seen) {
  return {
    onBoundary(e: UmapEngine) {
      seen.steps++;
      const cp = e.checkpoint();
      if (cp.knnState?.sampling) seen.inside.add('sampling');
      if (cp.knnState?.treeLeavesDone) seen.inside.add('leaf pairs');
      if (cp.knnState?.fresh && cp.knnState.joinRowsDone > 0) seen.inside.add('join');
      if (!e.stateChanged) seen.inside.add(e.phase);
    },
  };
}

async function runWith(pacer: StepPacer) {
  const seen: Seen = { steps: 0, inside: new Set() };
  const e = new UmapEngine({ data, n, d }, params, watch(seen), { pacer });
  await e.run();
  return { embedding: e.result().embedding, seen };
}

/** The uninterrupted run, in as few steps as possible: what every other schedule must reproduce. */
let reference: Promise<Float32Array> | null = null;
const wanted = () => (reference ??= runWith(wholeSteps).then((r) => r.embedding));

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('paced steps', () => {
  it('give the same map for any chunk schedule', async () => {
    const whole = { embedding: await wanted(), seen: (await runWith(wholeSteps)).seen };
    const coarse = await runWith(new RandomPacer(1, 2 * n));
    // A tree has a few hundred leaves here: small leaf steps, so some tree's pairs are cut whatever the dice do elsewhere.
    const small = await runWith(new RandomPacer(2, (work) => (work === 'leaves' ? 20 : 400)));
    // The app's pacer, aiming at 2 ms steps: its boundaries fall wherever this machine's speed puts them.
    const timed = await runWith(new AdaptivePacer(2));
    expect(same(coarse.embedding, whole.embedding)).toBe(true);
    expect(same(small.embedding, whole.embedding)).toBe(true);
    expect(same(timed.embedding, whole.embedding)).toBe(true);
    // The schedules really differ, and the small one split every chunked stage.
    expect(small.seen.steps).toBeGreaterThan(coarse.seen.steps);
    expect(coarse.seen.steps).toBeGreaterThan(whole.seen.steps);
    // (An unsaved kNN step is part of an RP tree's build.)
    for (const stage of ['knn', 'leaf pairs', 'sampling', 'join', 'graph', 'init', 'layout']) expect(small.seen.inside).toContain(stage);
  });

  // Stop at the first boundary inside each chunked stage, keep the checkpoint as IndexedDB would (a
  // structured clone), and resume on another schedule: the map must be the uninterrupted run's.
  const inside: [string, (e: UmapEngine) => boolean][] = [
    ["an RP tree's build", (e) => e.phase === 'knn' && !e.stateChanged],
    ["a tree's leaf pairs", (e) => (e.checkpoint().knnState?.treeLeavesDone ?? 0) > 0],
    ['the candidate sampling', (e) => e.checkpoint().knnState?.sampling != null],
    ['a local join', (e) => (e.checkpoint().knnState?.joinRowsDone ?? 0) > 0],
    ['the fuzzy union', (e) => e.phase === 'graph' && !e.stateChanged],
    ['the spectral init', (e) => e.phase === 'init' && !e.stateChanged],
    ['a split epoch', (e) => e.phase === 'layout' && !e.stateChanged],
  ];
  for (const [stage, isInside] of inside) {
    it(`resumes from a stop inside ${stage} to the same map`, async () => {
      const want = await wanted();
      const e = new UmapEngine({ data, n, d }, params, {}, { pacer: new RandomPacer(7, 300) });
      let stopped = false;
      const status = await e.run({ shouldStop: () => (stopped = e.phase !== 'done' && isInside(e)) });
      expect(status).toBe('stopped');
      expect(stopped).toBe(true);
      const again = new UmapEngine({ data, n, d }, params, {}, { checkpoint: structuredClone(e.checkpoint()), pacer: new RandomPacer(8, 2 * n) });
      await again.run();
      expect(same(again.result().embedding, want)).toBe(true);
    });
  }

  it("keeps the arrays the pool holds the candidates in, and frees them at each iteration's end", async () => {
    // A pool that, like the shared-memory WorkerPool, holds its own copy of the candidates.
    class HoldingPool extends LocalPool {
      calls: (Candidates | null)[] = [];
      override async setCandidates(c: Candidates | null) {
        const held = c && { ...c, fresh: c.fresh.slice(), old: c.old.slice(), thresholds: c.thresholds.slice() };
        this.calls.push(held);
        return super.setCandidates(held);
      }
    }
    const core = new ComputeCore(data, n, d, 'euclidean');
    const pool = new HoldingPool(core);
    let joinsSeen = 0;
    let iterations = 0;
    const e = new UmapEngine(
      { data, n, d },
      params,
      {
        onBoundary(engine) {
          const s = engine.checkpoint().knnState;
          iterations = Math.max(iterations, s?.iteration ?? 0);
          if (!s?.fresh) return;
          joinsSeen++;
          // The state reads the pool's arrays: one copy, not two.
          expect(s.fresh).toBe(pool.calls.at(-1)!.fresh);
        },
      },
      { pool, core, pacer: new RandomPacer(3, 300) },
    );
    await e.run();
    expect(same(e.result().embedding, await wanted())).toBe(true);
    expect(joinsSeen).toBeGreaterThan(0);
    const given = pool.calls.filter((c) => c !== null).length;
    expect(given).toBe(iterations);
    // Each iteration's candidates are handed over once and let go of before the next; none are left.
    expect(pool.calls.map((c) => (c ? 'set' : 'free')).join(' ')).toBe(Array(given).fill('set free').join(' '));
  });

  it('joins the next wave while a wave is applied, and joins again a wave started ahead that failed: the same map', async () => {
    // A join that starts past row 0 was started a step ahead; the first at each row fails, as when
    // a pause ends the pool under it. The step that needs it joins those rows again.
    class DroppingPool extends LocalPool {
      seen = new Set<number>();
      failed = 0;
      override async localJoin(start: number, end: number) {
        if (start > 0 && !this.seen.has(start)) {
          this.seen.add(start);
          this.failed++;
          throw new Error('the pool was ended');
        }
        return super.localJoin(start, end);
      }
    }
    const pool = new DroppingPool(new ComputeCore(data, n, d, 'euclidean'));
    const e = new UmapEngine({ data, n, d }, params, {}, { pool, core: pool.core, pacer: new RandomPacer(4, 300) });
    await e.run();
    expect(pool.failed).toBeGreaterThan(3);
    expect(same(e.result().embedding, await wanted())).toBe(true);
  });

  it('resume from base + deltas saved as the job Worker saves them (nothing where no state changed)', async () => {
    const want = await wanted();
    let base: EngineCheckpoint | undefined;
    let deltas: EngineDelta[] = [];
    let sampleDeltas = 0;
    let skipped = 0;
    for (let leg = 0; leg < 300; leg++) {
      const e: UmapEngine = new UmapEngine(
        { data, n, d },
        params,
        {
          onBoundary(eng) {
            if (!eng.stateChanged) {
              skipped++;
              return;
            }
            const delta = eng.delta();
            if (!delta || !base) {
              base = structuredClone(eng.checkpoint());
              deltas = [];
              return;
            }
            if (delta.step.kind === 'knn' && delta.step.step.kind === 'approx' && delta.step.step.stage === 'sample') sampleDeltas++;
            if (delta.step.kind === 'layout') deltas = deltas.filter((x) => x.step.kind !== 'layout');
            deltas.push(structuredClone(delta));
          },
        },
        { checkpoint: base && structuredClone(base), deltas: structuredClone(deltas), recordDeltas: true, pacer: resumePacer(500 + leg) },
      );
      let steps = 0;
      const status = await e.run({ shouldStop: () => ++steps > 3 + (leg % 5) });
      if (status === 'done') {
        expect(same(e.result().embedding, want)).toBe(true);
        expect(sampleDeltas).toBeGreaterThan(0);
        expect(skipped).toBeGreaterThan(0);
        return;
      }
    }
    throw new Error('did not finish');
  });
});
