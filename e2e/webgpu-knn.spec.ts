import { expect, test } from './bench-fixtures';
import { gaussianMixture } from '../src/engine/synthetic';

// Headless Chromium's WebGPU is SwiftShader (a software adapter): slow, so sizes stay small.

test('WebGPU exact kNN equals the CPU exact kNN (euclidean and cosine, several chunks)', async ({ page }) => {
  await page.goto('./gpu-test.html');
  await page.waitForFunction(() => window.__gpuTest?.ready === true);
  const n = 1000;
  const d = 32;
  const { data } = gaussianMixture({ n, d, seed: 3 });
  const values = Array.from(data);
  // One block, and four 256-row blocks whose partial top-k lists are merged on the GPU; both tiles.
  const cases = [
    ['euclidean', undefined, 64],
    ['cosine', undefined, 'u64'],
    ['euclidean', 256, 'u128'],
  ] as const;
  for (const [metric, blockRows, tile] of cases) {
    const r = await page.evaluate(([v, n, d, metric, b, tile]) => window.__gpuTest!.knnRecall(v, n, d, 14, metric, 300, b, tile), [values, n, d, metric, blockRows, tile] as const);
    console.log(`webgpu kNN ${metric}, tile ${tile}, ${r.blocks} block(s): recall ${r.recall}, max |Δdist| ${r.maxDistErr.toExponential(2)}, adapter ${r.adapter}`);
    expect(r.blocks).toBe(blockRows ? 4 : 1);
    expect(r.recall).toBeGreaterThanOrEqual(0.999);
    expect(r.maxDistErr).toBeLessThan(1e-3);
  }
});

test('rows streamed through one block buffer give the same kNN as the same blocks held on the GPU (euclidean and cosine)', async ({ page }) => {
  await page.goto('./gpu-test.html');
  await page.waitForFunction(() => window.__gpuTest?.ready === true);
  const n = 640;
  const d = 16;
  const { data } = gaussianMixture({ n, d, seed: 4 });
  const values = Array.from(data);
  for (const metric of ['euclidean', 'cosine'] as const) {
    const run = (stream: boolean) =>
      page.evaluate(([v, n, d, metric, stream]) => window.__gpuTest!.knnRecall(v, n, d, 14, metric, 200, 128, 64, stream), [values, n, d, metric, stream] as const);
    const held = await run(false);
    const streamed = await run(true);
    console.log(`webgpu kNN ${metric}, 5 blocks streamed: recall ${streamed.recall}, max |Δdist| ${streamed.maxDistErr.toExponential(2)}`);
    expect(held.streamed).toBe(false);
    expect(streamed.streamed).toBe(true);
    expect(streamed.blocks).toBe(5);
    expect(streamed.neighbours).toEqual(held.neighbours);
    expect(streamed.recall).toBeGreaterThanOrEqual(0.999);
    expect(streamed.maxDistErr).toBeLessThan(1e-3);
  }
});
