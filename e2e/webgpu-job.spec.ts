import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './bench-fixtures';
import { gaussianMixture } from '../src/engine/synthetic';
import { knnRecall, trustworthiness } from '../bench/quality';
import { parseNpy } from '../src/io/npy';

// The WebGPU path through the app's own job path (runJob → job Worker → engine), on headless
// Chromium's SwiftShader adapter. SwiftShader is slow, so data stays ≤ 2k points.

function loadDigits() {
  const { data, n, d } = parseNpy(readFileSync(new URL('../public/demo/digits/digits.npy', import.meta.url)), 'digits.npy');
  return { data, n, d };
}

async function open(page: Page) {
  await page.goto('./gpu-test.html');
  await page.waitForFunction(() => window.__gpuTest?.ready === true);
}

type JobArgs = [number[], number, number, Record<string, unknown>, Record<string, unknown>];

function runJob(page: Page, args: JobArgs) {
  return page.evaluate(([v, n, d, p, o]) => window.__gpuTest!.job(v, n, d, p, o), args);
}

const small = gaussianMixture({ n: 600, d: 16, seed: 5 });
const smallArgs = (params: Record<string, unknown>, options: Record<string, unknown> = {}): JobArgs => [
  Array.from(small.data),
  600,
  16,
  { nEpochs: 50, knnChunkSize: 200, ...params },
  options,
];

test('digits with forced webgpu: umap-learn quality, no leaked tensors or buffers', async ({ page }) => {
  await open(page);
  const { data, n, d } = loadDigits();
  const r = await runJob(page, [Array.from(data), n, d, { backend: 'webgpu' }, {}]);
  if (!r.ok) throw new Error(r.error);
  const b = r.backend!;
  expect(b.backend).toBe('webgpu');
  expect(b.reason).toMatch(/forced on a software adapter \(.*swiftshader/);
  expect(b.fellBackToCpu).toBeUndefined();
  const log = r.log.join('\n');
  expect(log).toMatch(/GPU kNN: exact/);
  expect(log).toMatch(/Graph: smooth_knn_dist on the GPU/);
  expect(log).toMatch(/Init: Lanczos on the GPU \(f32\)/);
  expect(log).not.toMatch(/memory check failed/);
  const mem = b.tfMemory as { before: { numTensors: number; numBytes: number }; after: { numTensors: number; numBytes: number } };
  expect(mem.after).toEqual(mem.before);
  expect(b.gpuBytesLeft).toBe(0);
  const high = { data, n, d };
  const low = { data: Float32Array.from(r.coords), n, d: 2 };
  const t = trustworthiness(high, low, 15);
  const rec = knnRecall(high, low, 15);
  console.log(`digits on webgpu (SwiftShader): trustworthiness ${t.toFixed(4)}, recall@15 ${rec.toFixed(4)}`);
  expect(t).toBeGreaterThanOrEqual(0.982);
  expect(rec).toBeGreaterThanOrEqual(0.5);
});

test('auto picks the CPU on SwiftShader and says why; cpu is honoured', async ({ page }) => {
  await open(page);
  const auto = await runJob(page, smallArgs({ backend: 'auto' }));
  if (!auto.ok) throw new Error(auto.error);
  expect(auto.backend!.backend).toBe('cpu');
  expect(auto.backend!.reason).toMatch(/^auto: software adapter \(.*swiftshader.*\) is slower than the CPU path; using CPU/);
  expect(auto.log[0]).toMatch(/^Backend: auto: software adapter/);
  const cpu = await runJob(page, smallArgs({ backend: 'cpu' }));
  if (!cpu.ok) throw new Error(cpu.error);
  expect(cpu.backend!.backend).toBe('cpu');
  // The CPU path is deterministic: auto (= CPU here) and cpu give the same map.
  expect(cpu.coords).toEqual(auto.coords);
});

test('a WGSL compile error becomes a job error with the compiler message', async ({ page }) => {
  await open(page);
  const r = await runJob(page, smallArgs({ backend: 'webgpu' }, { faults: { breakWgsl: true } }));
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toMatch(/WGSL compile error in \w+: line \d+:\d+: /);
});

test('device lost mid-kNN: the job finishes on the CPU and says so', async ({ page }) => {
  await open(page);
  const r = await runJob(page, smallArgs({ backend: 'webgpu' }, { faults: { loseDeviceAfterChunks: 1 } }));
  if (!r.ok) throw new Error(r.error);
  expect(r.backend!.backend).toBe('webgpu');
  expect(r.backend!.fellBackToCpu).toMatch(/GPU device destroyed.*continuing on the CPU from kNN chunk at row \d+/);
  expect(r.log.join('\n')).toMatch(/continuing on the CPU/);
  expect(r.coords.length).toBe(1200);
  expect(r.coords.every((x) => Number.isFinite(x))).toBe(true);
});

test('device lost mid-layout: the job finishes on the CPU from the last completed epoch', async ({ page }) => {
  await open(page);
  const r = await runJob(page, smallArgs({ backend: 'webgpu' }, { faults: { loseDeviceAfterEpochs: 10 } }));
  if (!r.ok) throw new Error(r.error);
  expect(r.backend!.fellBackToCpu).toMatch(/continuing on the CPU from layout epoch 10\b/);
  expect(r.coords.every((x) => Number.isFinite(x))).toBe(true);
});

test('two GPU jobs at once: the second waits for the GPU lock, both finish', async ({ page }) => {
  await open(page);
  const [a, b] = smallArgs({ backend: 'webgpu', nEpochs: 30 });
  const [r1, r2] = await page.evaluate(
    ([v, n]) =>
      Promise.all([
        window.__gpuTest!.job(v, n, 16, { backend: 'webgpu', nEpochs: 30, knnChunkSize: 200 }),
        window.__gpuTest!.job(v, n, 16, { backend: 'webgpu', nEpochs: 30, knnChunkSize: 200 }),
      ]),
    [a, b] as const,
  );
  if (!r1.ok) throw new Error(r1.error);
  if (!r2.ok) throw new Error(r2.error);
  const waited = [r1, r2].filter((r) => r.liveLog.some((l) => /Waiting for another job to finish with the GPU/.test(l)));
  expect(waited.length).toBe(1);
  expect(r1.backend!.backend).toBe('webgpu');
  expect(r2.backend!.backend).toBe('webgpu');
  // Same data, parameters and backend: the same map.
  expect(r2.coords).toEqual(r1.coords);
});
