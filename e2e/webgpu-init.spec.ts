import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './bench-fixtures';
import { gaussianMixture } from '../src/engine/synthetic';
import { parseNpy } from '../src/io/npy';

// The spectral init's Lanczos solve on the GPU (SwiftShader here), against the CPU's solve of the same
// graph, and through a job whose device is lost inside it.

function correlation(a: number[], b: number[], c: number): number {
  let sa = 0;
  let sb = 0;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  const n = a.length / 2;
  for (let i = 0; i < n; i++) {
    const x = a[i * 2 + c]!;
    const y = b[i * 2 + c]!;
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  return cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
}

async function solveBoth(page: Page, data: Float32Array, n: number, d: number, blockedDotsFrom?: number) {
  await page.goto('./gpu-test.html');
  await page.waitForFunction(() => window.__gpuTest?.ready === true);
  const r = await page.evaluate(([v, n, d, b]) => window.__gpuTest!.spectral(v, n, d, 7, b), [Array.from(data), n, d, blockedDotsFrom] as const);
  if (typeof r.cpu === 'string') throw new Error(`CPU solve: ${r.cpu}`);
  if (typeof r.gpu === 'string') throw new Error(`GPU solve: ${r.gpu}`);
  const corr = [0, 1].map((c) => Math.abs(correlation(r.cpu as number[], r.gpu as number[], c)));
  return { corr, log: r.log.join('\n'), held: r.held, smoothErr: r.smoothErr };
}

test('the GPU smoothing and Lanczos solve give the CPU’s ρ, σ and spectral embedding of digits (up to sign), and free their buffers', async ({ page }) => {
  const { data, n, d } = parseNpy(readFileSync(new URL('../public/demo/digits/digits.npy', import.meta.url)), 'digits.npy');
  const r = await solveBoth(page, data, n, d);
  console.log(
    `digits on the GPU (SwiftShader) vs the CPU: ρ, σ within ${r.smoothErr.toExponential(2)} (relative); spectral init |corr| ${r.corr.map((x) => x.toFixed(5)).join(', ')}; ${r.log}`,
  );
  expect(r.smoothErr).toBeLessThan(1e-4);
  for (const x of r.corr) expect(x).toBeGreaterThan(0.999);
  expect(r.log).toMatch(/Lanczos on the GPU \(f32\): \d pass\(es\), \d+ steps, m = 64; \d+ read-backs .*, [\d.]+ ms awaited/);
  expect(r.held).toBe(0);
});

test('the blocked dot products (the form used from 32,768 points) give the same embedding', async ({ page }) => {
  const m = gaussianMixture({ n: 500, d: 8, seed: 3 });
  const r = await solveBoth(page, m.data, 500, 8, 0);
  console.log(`mixture 500 spectral init, blocked dots, GPU vs CPU: |corr| ${r.corr.map((x) => x.toFixed(5)).join(', ')}`);
  for (const x of r.corr) expect(x).toBeGreaterThan(0.999);
  expect(r.held).toBe(0);
});

/** A 600-point job forced onto the GPU whose device is lost where `faults` says. */
async function lostDeviceJob(page: Page, faults: Record<string, number>) {
  await page.goto('./gpu-test.html');
  await page.waitForFunction(() => window.__gpuTest?.ready === true);
  const small = gaussianMixture({ n: 600, d: 16, seed: 5 });
  const r = await page.evaluate(([v, f]) => window.__gpuTest!.job(v, 600, 16, { backend: 'webgpu', nEpochs: 50, knnChunkSize: 200 }, { faults: f }), [
    Array.from(small.data),
    faults,
  ] as const);
  if (!r.ok) throw new Error(r.error);
  return r;
}

test('device lost inside the graph phase: the job smooths the rest on the CPU, says so, and completes', async ({ page }) => {
  const r = await lostDeviceJob(page, { loseDeviceAfterGraphChunks: 0 });
  expect(r.backend!.fellBackToCpu).toMatch(/GPU device destroyed.*continuing on the CPU from the graph's row 0\b/);
  expect(r.log.join('\n')).not.toMatch(/Lanczos on the GPU/);
  expect(r.backend!.gpuBytesLeft).toBe(0);
  expect(r.coords.every((x) => Number.isFinite(x))).toBe(true);
});

test('device lost inside the GPU init: the job solves the init on the CPU, says so, and completes', async ({ page }) => {
  const r = await lostDeviceJob(page, { loseDeviceAfterInitSteps: 8 });
  expect(r.backend!.fellBackToCpu).toMatch(/GPU device destroyed.*continuing on the CPU from the spectral init/);
  const log = r.log.join('\n');
  expect(log).not.toMatch(/Lanczos on the GPU/);
  expect(log).toMatch(/Init: spectral embedding of the graph Laplacian/);
  expect(r.backend!.gpuBytesLeft).toBe(0);
  expect(r.coords.length).toBe(1200);
  expect(r.coords.every((x) => Number.isFinite(x))).toBe(true);
});
