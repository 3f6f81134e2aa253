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
