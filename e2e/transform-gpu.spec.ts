import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { coordsOf, digitsSplit, openApp, submit, submitTransform, waitForJob } from './jobs-helpers';
import { ComputeCore } from '../src/engine/compute-core';
import { resolveParams } from '../src/engine/params';
import { buildFittedModel, recomputeKnnGraph, transform } from '../src/engine/transform';
import { bruteKnn } from '../test/helpers/map-metrics';

// A transform into a map fitted on WebGPU runs on the GPU too (headless Chromium's SwiftShader
// adapter, forced with backend 'webgpu'; SwiftShader is slow, so the split stays the digits one):
// fit 1,500 digits, place the other 297 as transform jobs through the jobs test hook. The GPU
// result is measured against the engine's CPU transform of the same fitted map, run here in Node.

const FIT_N = 1500;
const { digits, D, fitRows, newRows, M } = digitsSplit(FIT_N);
const CHUNK = 100;
const params = { nEpochs: 200, seed: 4, backend: 'webgpu', knnChunkSize: CHUNK } as const;

type GpuFaults = { loseDeviceAfterChunks?: number; loseDeviceAfterEpochs?: number };

async function placed(page: Page, parent: string, rows: Float32Array, m: number, gpuFaults?: GpuFaults) {
  const id = await submitTransform(page, parent, rows, m, D, gpuFaults ? { gpuFaults } : {});
  await waitForJob(page, id, "j.state === 'completed'", 170_000);
  return (await page.evaluate((i) => window.__mapstreamJobs!.transformResult(i), id))!;
}

const trueNear = bruteKnn(newRows, M, fitRows, FIT_N, D, 15);

/** New-point recall@15 and 10-NN accuracy (issue 12's definitions) of new coordinates on the fitted map. */
function quality(coords: ArrayLike<number>, fitted: ArrayLike<number>) {
  const mapNear = bruteKnn(coords, M, fitted, FIT_N, 2, 15);
  let hit = 0;
  let correct = 0;
  for (let i = 0; i < M; i++) {
    const want = new Set(trueNear.subarray(i * 15, i * 15 + 15));
    for (let t = 0; t < 15; t++) if (want.has(mapNear[i * 15 + t]!)) hit++;
    const votes = new Int32Array(10);
    for (let t = 0; t < 10; t++) votes[digits.labels[mapNear[i * 15 + t]!]!]!++;
    let best = 0;
    for (let l = 1; l < 10; l++) if (votes[l]! > votes[best]!) best = l;
    if (best === digits.labels[FIT_N + i]) correct++;
  }
  return { recall: hit / (M * 15), accuracy: correct / M };
}

test('a transform into a WebGPU map runs on the GPU: CPU quality, the map unmoved, batch-independent, no buffers left; a lost device goes on on the CPU', async ({ page }) => {
  test.setTimeout(900_000);
  await openApp(page);
  const fit = await submit(page, fitRows, FIT_N, D, params, { name: 'digits 1500 (webgpu)' });
  await waitForJob(page, fit, "j.state === 'completed'", 400_000);
  const before = (await coordsOf(page, fit))!;
  expect(before).toHaveLength(FIT_N * 2);

  // --- the whole batch on the GPU ---
  const gpu = await placed(page, fit, newRows, M);
  expect(gpu.m).toBe(M);
  expect(gpu.coords.every(Number.isFinite)).toBe(true);
  const b = gpu.backend!;
  expect(b.backend).toBe('webgpu');
  expect(b.reason).toMatch(/forced on a software adapter/);
  expect(b.fellBackToCpu).toBeUndefined();
  expect(b.gpuBytesLeft).toBe(0);
  const log = gpu.log.join('\n');
  expect(log).toMatch(/Backend: webgpu: forced on a software adapter/);
  expect(log).toMatch(/GPU transform kNN: exact/);
  expect(log).not.toMatch(/memory check failed/);
  // The fitted map moved by exactly 0.
  expect(await coordsOf(page, fit)).toEqual(before);

  // --- the engine's CPU transform of the same fitted map, as a CPU transform job computes it ---
  const p = resolveParams(params, FIT_N);
  const knn = await recomputeKnnGraph(new ComputeCore(fitRows, FIT_N, D, p.metric), p);
  const model = buildFittedModel({ data: fitRows, n: FIT_N, d: D, params: p, embedding: Float32Array.from(before), knn });
  const cpu = await transform(model, { data: newRows, n: M, d: D });
  const qg = quality(gpu.coords, before);
  const qc = quality(cpu.embedding, before);
  let maxDiff = 0;
  for (let t = 0; t < M * 2; t++) maxDiff = Math.max(maxDiff, Math.abs(gpu.coords[t]! - cpu.embedding[t]!));
  console.log(
    `digits transform on webgpu (SwiftShader): recall@15 ${qg.recall.toFixed(4)}, 10-NN accuracy ${qg.accuracy.toFixed(4)}; CPU transform ${qc.recall.toFixed(4)}, ${qc.accuracy.toFixed(4)}; max |GPU − CPU| ${maxDiff.toExponential(2)}; ${gpu.timings.knn.toFixed(2)} s kNN, ${gpu.timings.layout.toFixed(2)} s layout`,
  );
  expect(Math.abs(qg.recall - qc.recall)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(qg.accuracy - qc.accuracy)).toBeLessThanOrEqual(0.01);
  expect(qg.accuracy).toBeGreaterThanOrEqual(0.9);

  // --- points placed alone or in a small batch land exactly where the whole batch put them ---
  const picks = [7, 150, 296];
  const some = new Float32Array(picks.length * D);
  for (const [r, i] of picks.entries()) some.set(newRows.subarray(i * D, i * D + D), r * D);
  const alone = await placed(page, fit, newRows.slice(7 * D, 8 * D), 1);
  expect(alone.backend!.backend).toBe('webgpu');
  expect(alone.coords).toEqual(gpu.coords.slice(14, 16));
  const three = await placed(page, fit, some, picks.length);
  expect(three.coords).toEqual(picks.flatMap((i) => gpu.coords.slice(2 * i, 2 * i + 2)));

  // --- the device lost after the first kNN chunk, then after 10 epochs: the CPU finishes, and says so ---
  const midKnn = await placed(page, fit, newRows, M, { loseDeviceAfterChunks: 1 });
  expect(midKnn.backend!.fellBackToCpu).toMatch(/GPU device destroyed.*continuing on the CPU from kNN chunk at new point 100\b/);
  expect(midKnn.log.join('\n')).toMatch(/continuing on the CPU from kNN chunk at new point 100/);
  expect(midKnn.backend!.gpuBytesLeft).toBe(0);
  expect(quality(midKnn.coords, before).accuracy).toBeGreaterThanOrEqual(0.9);
  const midLayout = await placed(page, fit, newRows, M, { loseDeviceAfterEpochs: 10 });
  expect(midLayout.backend!.fellBackToCpu).toMatch(/continuing on the CPU from layout epoch 10\b/);
  expect(midLayout.log.join('\n')).toMatch(/continuing on the CPU from layout epoch 10\b/);
  // Until the loss everything ran on the GPU: the kNN, and so the start, are the GPU's.
  expect(midLayout.indices).toEqual(gpu.indices);
  expect(quality(midLayout.coords, before).accuracy).toBeGreaterThanOrEqual(0.9);
  expect(await coordsOf(page, fit)).toEqual(before);
});
