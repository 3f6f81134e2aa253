// Points added to a finished digits map (issue 12): the batch is placed in the test from the real
// data (each new row's exact nearest fitted rows and the membership-weighted mean of their map
// positions, the transform's own starting point) and handed to the map through the test hook, as the
// transform job's result will be.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { DIGITS_LABELS, DIGITS_NPY, coords, downloadText, fitDigitsFile, parseCsv, screenPositions, waitDone, waitInteractive } from './explore-helpers';

type TestPlacedPoints = Parameters<NonNullable<NonNullable<Window['__mapstream']>['addBatch']>>[0];

const N = 1797;
const D = 64;
const K = 15;

function digitsRows(): Float32Array {
  const buf = readFileSync(DIGITS_NPY);
  const off = 10 + buf.readUInt16LE(8);
  return new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length));
}

function digitLabels(): string[] {
  const buf = readFileSync(DIGITS_LABELS);
  const off = 10 + buf.readUInt16LE(8);
  // The bundled labels are uint8 ('|u1').
  return Array.from(buf.subarray(off, off + N), String);
}

/** 60 noisy copies of digits rows placed among their exact neighbours, and 3 placed beyond the map's edge. */
function placeBatch(rows: Float32Array, map: number[]): TestPlacedPoints & { source: number[] } {
  const source = Array.from({ length: 63 }, (_, q) => (q * 29) % N);
  const m = source.length;
  const indices: number[] = [];
  const distances: number[] = [];
  const embedding: number[] = [];
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed / 2 ** 32 - 0.5) * 1.5;
  };
  const xs = map.filter((_, i) => i % 2 === 0);
  const maxX = Math.max(...xs);
  const range = maxX - Math.min(...xs);
  let nearestSum = 0;
  for (let q = 0; q < m; q++) {
    const row = Array.from(rows.subarray(source[q]! * D, source[q]! * D + D), (v) => Math.max(0, v + noise()));
    const dist = Array.from({ length: N }, (_, j) => {
      let s = 0;
      for (let t = 0; t < D; t++) s += (row[t]! - rows[j * D + t]!) ** 2;
      return [Math.sqrt(s), j] as const;
    }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const near = dist.slice(0, K);
    nearestSum += near[0]![0];
    let wx = 0;
    let wy = 0;
    let w = 0;
    for (const [d, j] of near) {
      const weight = Math.exp(-(d - near[0]![0]) / Math.max(1e-6, near[K - 1]![0] - near[0]![0]));
      wx += weight * map[2 * j]!;
      wy += weight * map[2 * j + 1]!;
      w += weight;
      indices.push(j);
      distances.push(d);
    }
    // The last three sit outside the fitted map's bounds: the view must not rescale for them.
    if (q >= m - 3) embedding.push(maxX + range * (0.2 + 0.1 * (q - m + 3)), wy / w);
    else embedding.push(wx / w, wy / w);
  }
  return { embedding, m, nComponents: 2, indices, distances, k: K, meanNearestDistance: nearestSum / m, fittedMeanKnnDistance: nearestSum / m, source };
}

test('a batch added to a finished digits map: the map stays put, the new points are drawn, coloured by batch and exported with their batch', async ({ page }) => {
  test.setTimeout(240_000);
  await fitDigitsFile(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const fitted = await coords(page);
  const before = await screenPositions(page, N);
  const clustersBefore = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  expect(await page.evaluate(() => window.__mapstream!.batches!())).toBeNull();
  await expect(page.getByTestId('color-by').locator('option[value="batch"]')).toBeDisabled();

  const labels = digitLabels();
  const placed = placeBatch(digitsRows(), fitted);
  const { source, ...result } = placed;
  const added = await page.evaluate(([r, l]) => window.__mapstream!.addBatch!(r, 'week 2', l), [result, source.map((i) => labels[i]!)] as const);
  if ('error' in added) throw new Error(added.error);
  expect(added.clusters).toHaveLength(63);
  expect(added.advice).toEqual([]);
  // Most noisy copies land in the cluster of the row they copy.
  const same = source.slice(0, 60).filter((i, q) => added.clusters[q] === clustersBefore[i] && added.clusters[q]! >= 0).length;
  expect(same).toBeGreaterThan(45);

  await expect.poll(() => page.evaluate(() => window.__mapstream!.points)).toBe(N + 63);
  await waitInteractive(page);
  await expect.poll(() => page.evaluate((i) => window.__mapstream!.screenPosition!(i), N + 62)).not.toBeNull();
  // The fitted points have not moved on screen, not by a pixel, though three new points lie outside their bounds.
  const after = await screenPositions(page, N + 63);
  for (let i = 0; i < N; i++) {
    expect(after[i]![0]).toBeCloseTo(before[i]![0], 3);
    expect(after[i]![1]).toBeCloseTo(before[i]![1], 3);
  }
  // Existing points keep their clusters; the new ones have the clusters predicted for them.
  const clustersAfter = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  expect(clustersAfter.slice(0, N)).toEqual(clustersBefore);
  expect(clustersAfter.slice(N)).toEqual(added.clusters);
  expect(await page.evaluate(() => window.__mapstream!.coords()!.length)).toBe(2 * N);

  // The far points are drawn to the right of every fitted point.
  const box = (await page.getByTestId('map').boundingBox())!;
  const rightmost = Math.max(...before.map((p) => p![0]));
  for (let q = 60; q < 63; q++) expect(after[N + q]![0]).toBeGreaterThan(rightmost);

  // Hovering a new point says which batch it came in: the one farthest from any fitted point, so the
  // pointer is over it alone.
  const gap = (q: number) => Math.min(...before.map((p) => Math.hypot(p![0] - after[N + q]![0], p![1] - after[N + q]![1])));
  const lone = Array.from({ length: 60 }, (_, q) => q).reduce((a, b) => (gap(b) > gap(a) ? b : a));
  const [hx, hy] = after[N + lone]!;
  await page.mouse.move(box.x + hx + 1, box.y + hy + 1);
  await page.mouse.move(box.x + hx, box.y + hy);
  await expect(page.getByTestId('tooltip')).toContainText('added in batch week 2');
  await expect(page.getByTestId('tooltip')).toContainText(`point ${lone + 1} of week 2`);

  // Colour by batch: the fitted map is batch 0.
  await page.getByTestId('color-by').selectOption('batch');
  const legend = page.getByTestId('legend');
  await expect(legend).toContainText('batch');
  await expect(legend.locator('li').nth(0)).toContainText('fitted map');
  await expect(legend.locator('li').nth(0)).toContainText('1,797');
  await expect(legend.locator('li').nth(1)).toContainText('week 2');
  await expect(legend.locator('li').nth(1)).toContainText('63');

  // The CSV export carries the batch column, and the new points' clusters.
  const csv = await downloadText(page, () => page.getByTestId('export-csv').click());
  const rows = parseCsv(csv.bytes.toString('utf8'));
  expect(rows[0]!.slice(0, 4)).toEqual(['x', 'y', 'cluster', 'batch']);
  expect(rows.length).toBe(1 + N + 63);
  expect(rows.slice(1, N + 1).every((r) => r[3] === '0')).toBe(true);
  expect(rows.slice(N + 1).every((r) => r[3] === '1')).toBe(true);
  expect(rows.slice(N + 1).map((r) => Number(r[2]))).toEqual(added.clusters);
  for (let q = 0; q < 63; q++) expect(Math.fround(Number(rows[N + 1 + q]![0]))).toBe(Math.fround(result.embedding[2 * q]!));

  // The map file keeps the batch, and reopening it shows the same points and batches.
  const mapFile = await downloadText(page, () => page.getByTestId('export-map').click());
  expect(mapFile.bytes.toString('utf8').startsWith('{"mapstream":2,')).toBe(true);
  await page.getByTestId('file-input').setInputFiles({ name: mapFile.name, mimeType: 'application/json', buffer: mapFile.bytes });
  await expect.poll(() => page.evaluate(() => window.__mapstream!.batches!()?.filter((b) => b === 1).length ?? 0)).toBe(63);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(N + 63);
  expect((await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!))).slice(N)).toEqual(added.clusters);
});

test('a batch is refused with a clear message when its coordinates do not fit the map', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await page.getByTestId('run').click();
  await waitDone(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const bad = { embedding: [0, 0, 0], m: 1, nComponents: 3, indices: [0], distances: [0], k: 1, meanNearestDistance: 1, fittedMeanKnnDistance: 1 };
  expect(await page.evaluate((r) => window.__mapstream!.addBatch!(r, 'x'), bad)).toEqual({ error: 'The new points have 3 coordinates each; the map has 2.' });
  expect(await page.evaluate((r) => window.__mapstream!.addBatch!({ ...r, m: 0, embedding: [], indices: [], nComponents: 2 }, 'x'), bad)).toEqual({
    error: 'The batch has no points to add.',
  });
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(N);
});
