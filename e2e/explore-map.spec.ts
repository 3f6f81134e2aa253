import type { Page } from '@playwright/test';
import { parquetReadObjects } from 'hyparquet';
import { expect, test } from './fixtures';
import { downloadText, fitDigitsFile, lasso, parseCsv, waitDone, waitInteractive } from './explore-helpers';

async function screenPositions(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => Array.from({ length: window.__mapstream!.points }, (_, i) => window.__mapstream!.screenPosition!(i)!));
}

test('lasso over a region selects the points inside it, and the exported selection has that many rows', async ({ page }) => {
  await fitDigitsFile(page);
  const pos = await screenPositions(page);
  const box = (await page.getByTestId('map').boundingBox())!;
  // A square around the median point of the densest label region: the screen position of point 0's neighbourhood.
  const sorted = pos.map(([x]) => x).sort((a, b) => a - b);
  const cx = sorted[Math.floor(sorted.length / 2)]!;
  const sortedY = pos.map(([, y]) => y).sort((a, b) => a - b);
  const cy = sortedY[Math.floor(sortedY.length / 2)]!;
  const half = Math.min(box.width, box.height) / 6;
  const [x0, y0, x1, y1] = [cx - half, cy - half, cx + half, cy + half];
  const margin = 4;
  const inside = pos.flatMap(([x, y], i) => (x > x0 + margin && x < x1 - margin && y > y0 + margin && y < y1 - margin ? [i] : []));
  const outside = pos.flatMap(([x, y], i) => (x < x0 - margin || x > x1 + margin || y < y0 - margin || y > y1 + margin ? [i] : []));
  expect(inside.length).toBeGreaterThan(20);

  await lasso(page, x0, y0, x1, y1);

  await expect.poll(() => page.evaluate(() => window.__mapstream!.selection!().length)).toBeGreaterThan(0);
  const selected = new Set(await page.evaluate(() => window.__mapstream!.selection!()));
  for (const i of inside) expect(selected.has(i), `point ${i} inside the lasso`).toBe(true);
  for (const i of outside) expect(selected.has(i), `point ${i} outside the lasso`).toBe(false);
  await expect(page.getByTestId('selection-count')).toHaveText(selected.size.toLocaleString('en-US'));
  await expect(page.getByTestId('selection-list').locator('li')).toHaveCount(Math.min(200, selected.size));

  const { bytes } = await downloadText(page, () => page.getByTestId('export-selection').click());
  const rows = parseCsv(bytes.toString('utf8'));
  expect(rows[0]!.slice(0, 3)).toEqual(['x', 'y', 'cluster']);
  expect(rows.length - 1).toBe(selected.size);
});

test('CSV, .npy and Parquet exports read back equal the in-app coordinates', async ({ page }) => {
  const c = await fitDigitsFile(page);
  // The final clustering: the streamed ones before it change under the exports.
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const clusters = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  const f32 = (v: string | number) => Math.fround(Number(v));

  const csv = parseCsv((await downloadText(page, () => page.getByTestId('export-csv').click())).bytes.toString('utf8'));
  expect(csv[0]).toEqual(['x', 'y', 'cluster', 'digits.labels', 'index']);
  expect(csv.length).toBe(1798);
  expect(csv.slice(1).flatMap((r) => [f32(r[0]!), f32(r[1]!)])).toEqual(c);
  expect(csv.slice(1).map((r) => Number(r[2]))).toEqual(clusters);

  const npy = (await downloadText(page, () => page.getByTestId('export-npy').click())).bytes;
  const hlen = npy.readUInt16LE(8);
  const header = npy.subarray(10, 10 + hlen).toString('latin1');
  expect(header).toContain("('x', '<f4'), ('y', '<f4'), ('cluster', '<i4')");
  const width = Number(/'<U(\d+)'/.exec(header)![1]);
  const rec = 12 + 4 * width + 4;
  const fromNpy: number[] = [];
  for (let i = 0; i < 1797; i++) fromNpy.push(npy.readFloatLE(10 + hlen + i * rec), npy.readFloatLE(10 + hlen + i * rec + 4));
  expect(fromNpy).toEqual(c);

  const pq = (await downloadText(page, () => page.getByTestId('export-parquet').click())).bytes;
  const rows = (await parquetReadObjects({ file: pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer })) as { x: number; y: number; cluster: number }[];
  expect(rows.flatMap((r) => [r.x, r.y])).toEqual(c);
  expect(rows.map((r) => r.cluster)).toEqual(clusters);

  const png = (await downloadText(page, () => page.getByTestId('export-png').click())).bytes;
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
});

test('metadata that looks like HTML shows as text in the tooltip and runs nothing', async ({ page }) => {
  const payload = '<img src=x onerror=alert(1)>';
  const lines = ['a,b,c,d,id,note'];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    const v = [0, 1, 2, 3].map((k) => (c * 10 + Math.sin(i * 7.1 + k) * 0.8 + k * 0.1).toFixed(4));
    // Every row of the first group carries it, so whichever point of the group is hovered shows it.
    lines.push(`${v.join(',')},${i},${c === 0 ? payload : `item ${i}`}`);
  }
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles({ name: 'xss.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByTestId('dataset')).toContainText('90');
  await page.getByTestId('run').click();
  await waitDone(page);
  await waitInteractive(page);
  const [sx, sy] = (await page.evaluate(() => window.__mapstream!.screenPosition!(0)))!;
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.move(box.x + sx + 1, box.y + sy + 1);
  await page.mouse.move(box.x + sx, box.y + sy);
  const tooltip = page.getByTestId('tooltip');
  await expect(tooltip).toContainText(payload);
  await expect(tooltip.locator('img')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  // Searching for it selects those rows, and the selection list shows it as text too.
  await page.getByTestId('search').fill('onerror');
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('search-note')).toHaveText('30 matches');
  await expect(page.getByTestId('selection-list')).toContainText(payload);
  // Colour by a text column (categorical legend, values as text) and by a numeric one (a scale).
  // The label column (note) is listed once, as "label" (issue 13: it was listed twice).
  await page.getByTestId('color-by').selectOption('label');
  await expect(page.getByTestId('legend')).toContainText(payload);
  await expect(page.getByTestId('legend').locator('img')).toHaveCount(0);
  await page.getByTestId('color-by').selectOption('meta:id');
  await expect(page.getByTestId('color-scale')).toContainText('0');
  await expect(page.getByTestId('color-scale')).toContainText('89');
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
});
