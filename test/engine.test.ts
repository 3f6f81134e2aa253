import { describe, expect, it } from 'vitest';
import { UmapEngine, resolveParams, EngineInputError, type EngineCheckpoint } from '../src/engine';
import type { EngineDelta } from '../src/engine/engine';
import { applyUpdates } from '../src/engine/nn-descent';
import { spectralLayout } from '../src/engine/spectral-layout';
import { checksumOf } from '../src/jobs/checksum';
import { gaussianMixture } from '../src/engine/synthetic';
import { exactKnnOf, knnAccuracy, knnRecall, sampleIndices, trustworthiness } from '../bench/quality';
import { ComputeCore } from '../src/engine/compute-core';
import { finishKnn, planKnn, runKnn } from '../src/engine/knn-phase';
import { LocalPool } from '../src/engine/compute-core';
import { loadDigits } from './fixtures/digits';
import { unpacedSteps } from './helpers/pacers';

async function runToEnd(data: Float32Array, n: number, d: number, params: Parameters<typeof resolveParams>[0]) {
  const e = new UmapEngine({ data, n, d }, resolveParams(params, n));
  await e.run();
  return e.result();
}

describe('engine on digits', () => {
  const digits = loadDigits();

  it('reaches umap-learn quality (exact kNN)', async () => {
    const r = await runToEnd(digits.data, digits.n, digits.d, {});
    const high = { data: digits.data, n: digits.n, d: digits.d };
    const low = { data: r.embedding, n: digits.n, d: 2 };
    const t = trustworthiness(high, low, 15);
    const rec = knnRecall(high, low, 15);
    const acc = knnAccuracy(low, digits.labels, 10);
    expect(t).toBeGreaterThanOrEqual(0.982);
    expect(rec).toBeGreaterThanOrEqual(0.5);
    expect(acc).toBeGreaterThanOrEqual(0.965);
    expect(r.log.join('\n')).toMatch(/spectral/);
  });

  it('reaches the same quality through RP trees + NN-descent', async () => {
    const r = await runToEnd(digits.data, digits.n, digits.d, { exactKnnMaxN: 100 });
    const high = { data: digits.data, n: digits.n, d: digits.d };
    const low = { data: r.embedding, n: digits.n, d: 2 };
    expect(trustworthiness(high, low, 15)).toBeGreaterThanOrEqual(0.982);
    expect(knnRecall(high, low, 15)).toBeGreaterThanOrEqual(0.5);
    expect(r.log.join('\n')).toMatch(/NN-descent/);
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const a = await runToEnd(digits.data, digits.n, digits.d, { nEpochs: 50, seed: 7 });
    const b = await runToEnd(digits.data, digits.n, digits.d, { nEpochs: 50, seed: 7 });
    const c = await runToEnd(digits.data, digits.n, digits.d, { nEpochs: 50, seed: 8 });
    expect(Buffer.from(a.embedding.buffer).equals(Buffer.from(b.embedding.buffer))).toBe(true);
    expect(Buffer.from(a.embedding.buffer).equals(Buffer.from(c.embedding.buffer))).toBe(false);
  });

  it('supports 3 components and the cosine metric', async () => {
    const r = await runToEnd(digits.data, digits.n, digits.d, { nComponents: 3, metric: 'cosine', nEpochs: 100 });
    expect(r.embedding.length).toBe(digits.n * 3);
    expect(r.embedding.every(Number.isFinite)).toBe(true);
    const low = { data: r.embedding, n: digits.n, d: 3 };
    expect(knnAccuracy(low, digits.labels, 10)).toBeGreaterThan(0.9);
  });
});

describe('resuming', () => {
  const { data, labels } = gaussianMixture({ n: 3000, d: 32, seed: 3 });
  const n = 3000;
  const d = 32;
  void labels;

  // Stop after `stops[i]` steps, restore from a structured clone of the checkpoint (as IndexedDB
  // would), and go on: the result must equal an uninterrupted run bit for bit.
  for (const [name, params] of [
    ['exact kNN', { nEpochs: 60, knnChunkSize: 250 }],
    ['NN-descent', { nEpochs: 60, exactKnnMaxN: 500, knnChunkSize: 500 }],
  ] as const) {
    it(`gives identical output after stops in every phase (${name})`, async () => {
      const p = resolveParams(params, n);
      const straight = new UmapEngine({ data, n, d }, p);
      await straight.run();
      const want = straight.result().embedding;

      let cp: EngineCheckpoint | undefined;
      const seenPhases = new Set<string>();
      for (let leg = 0; leg < 40; leg++) {
        // Steps as they were before pacing: the legs' count must not depend on this machine's speed.
        const e = new UmapEngine({ data, n, d }, p, {}, { checkpoint: cp, pacer: unpacedSteps });
        let steps = 0;
        const status = await e.run({ shouldStop: () => ++steps > 3 });
        seenPhases.add(e.phase);
        if (status === 'done') {
          expect(Buffer.from(e.result().embedding.buffer).equals(Buffer.from(want.buffer))).toBe(true);
          expect(seenPhases.has('knn') && seenPhases.has('layout')).toBe(true);
          return;
        }
        cp = structuredClone(e.checkpoint());
      }
      throw new Error('did not finish');
    });
  }
});

describe('delta checkpoints', () => {
  const n = 3000;
  const d = 32;
  const { data } = gaussianMixture({ n, d, seed: 3 });

  // The job Worker's scheme: a full checkpoint at each phase change, then one delta per step (a layout
  // delta replaces the layout deltas before it). Restoring base + deltas after a stop in any phase must
  // continue to the same bytes as an uninterrupted run.
  for (const [name, params] of [
    ['exact kNN', { nEpochs: 60, knnChunkSize: 250 }],
    ['NN-descent', { nEpochs: 60, exactKnnMaxN: 500, knnChunkSize: 500 }],
  ] as const) {
    it(`base + deltas resume bit-identically (${name})`, async () => {
      const p = resolveParams(params, n);
      const straight = new UmapEngine({ data, n, d }, p);
      await straight.run();
      const want = straight.result().embedding;

      let base: EngineCheckpoint | undefined;
      let deltas: EngineDelta[] = [];
      let bases = 0;
      let baseBytes = 0;
      let deltaBytes = 0;
      let deltaCount = 0;
      const bytesOf = (v: unknown) => checksumOf(v).bytes;
      for (let leg = 0; leg < 60; leg++) {
        let steps = 0;
        const e: UmapEngine = new UmapEngine(
          { data, n, d },
          p,
          {
            onBoundary(eng) {
              const delta = eng.delta();
              if (!delta || !base) {
                base = structuredClone(eng.checkpoint());
                baseBytes += bytesOf(base);
                bases++;
                deltas = [];
                return;
              }
              if (delta.step.kind === 'layout') deltas = deltas.filter((x) => x.step.kind !== 'layout');
              deltas.push(structuredClone(delta));
              deltaBytes += bytesOf(delta);
              deltaCount++;
            },
          },
          { checkpoint: base && structuredClone(base), deltas: structuredClone(deltas), recordDeltas: true, pacer: unpacedSteps },
        );
        const status = await e.run({ shouldStop: () => ++steps > 2 + (leg % 3) });
        if (status === 'done') {
          expect(Buffer.from(e.result().embedding.buffer).equals(Buffer.from(want.buffer))).toBe(true);
          // A base when each leg starts and when kNN ends; the graph, init and layout are deltas, and
          // all the deltas together are far smaller than a full checkpoint at every step would be.
          expect(bases).toBeLessThan(2 * 60);
          expect(deltaBytes / deltaCount).toBeLessThan(baseBytes / bases / 5);
          return;
        }
      }
      throw new Error('did not finish');
    });
  }

  it('compacted NN-descent updates replay to the same heaps', () => {
    const heapsA = { n: 4, k: 2, indices: new Int32Array(8).fill(-1), distances: new Float32Array(8).fill(Infinity), flags: new Uint8Array(8) };
    const heapsB = structuredClone(heapsA);
    const u = { a: Int32Array.from([0, 0, 1, 0, 2, 0]), b: Int32Array.from([1, 1, 2, 2, 3, 3]), dist: Float32Array.from([1, 1, 2, 0.5, 3, 9]), count: 6, evals: 6 };
    const changed = applyUpdates(heapsA, u, true);
    expect(u.count).toBeLessThan(6); // the repeated (0,1) pair changed nothing
    expect(applyUpdates(heapsB, u)).toBe(changed);
    expect(Array.from(heapsB.indices)).toEqual(Array.from(heapsA.indices));
    expect(Array.from(heapsB.distances)).toEqual(Array.from(heapsA.distances));
  });
});

describe('spectral init', () => {
  it('reports each Lanczos step, so a long init can show progress', async () => {
    const n = 2000;
    const d = 16;
    const { data } = gaussianMixture({ n, d, seed: 8 });
    const e = new UmapEngine({ data, n, d }, resolveParams({}, n));
    while (e.phase !== 'init') await e.step();
    const steps: [number, number, number][] = [];
    const out = spectralLayout(e.checkpoint().graph!, 2, 1, (pass, step, m) => steps.push([pass, step, m]));
    expect(out.ok).toBe(true);
    expect(steps.length).toBeGreaterThan(10);
    const [, , m] = steps[0]!;
    expect(steps.slice(0, m).map(([, step]) => step)).toEqual(Array.from({ length: Math.min(m, steps.length) }, (_, i) => i + 1));
  });
});

describe('kNN', () => {
  it('NN-descent reaches recall ≥ 0.95 against exact neighbours', async () => {
    const n = 6000;
    const d = 48;
    const { data } = gaussianMixture({ n, d, seed: 5, clusters: 12 });
    const core = new ComputeCore(data, n, d, 'euclidean');
    const pool = new LocalPool(core);
    const s = planKnn({ n, nNeighbors: 15, chunkSize: 1000, exactMaxN: 0, seed: 1 });
    await runKnn(s, pool, core, n, 'euclidean');
    const knn = finishKnn(s, n, 15);
    const sample = sampleIndices(n, 500, 9);
    const exact = exactKnnOf(data, n, d, sample, 14);
    let hit = 0;
    for (let q = 0; q < sample.length; q++) {
      const i = sample[q]!;
      const got = new Set(Array.from(knn.indices.subarray(i * 15 + 1, i * 15 + 15)));
      for (let t = 0; t < 14; t++) if (got.has(exact.indices[q * 14 + t]!)) hit++;
    }
    expect(hit / (sample.length * 14)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('bad input', () => {
  it('names the numbers when there are too few points for n_neighbors', () => {
    expect(() => resolveParams({ nNeighbors: 15 }, 10)).toThrow(EngineInputError);
    expect(() => resolveParams({ nNeighbors: 15 }, 10)).toThrow(/10 points.*n_neighbors = 15.*16/);
  });
  it('rejects impossible parameters', () => {
    expect(() => resolveParams({ minDist: 2, spread: 1 }, 100)).toThrow(/min_dist/);
    expect(() => resolveParams({ nComponents: 4 as 2 }, 100)).toThrow(/n_components/);
  });
  it('falls back to PCA and says so when the graph is disconnected', async () => {
    // Two far-apart blobs with n_neighbors small enough that no edge crosses between them.
    const n = 400;
    const d = 8;
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = (i < 200 ? 0 : 1000) + Math.sin(i * 7.1 + t * 3.3);
    const r = await runToEnd(data, n, d, { nNeighbors: 5, nEpochs: 20 });
    expect(r.log.join('\n')).toMatch(/disconnected.*fell back to PCA/);
    expect(r.embedding.every(Number.isFinite)).toBe(true);
  });
});
