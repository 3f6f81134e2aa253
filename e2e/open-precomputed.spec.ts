// Precomputed maps (issue #12, item 6): a file that carries its own 2-D coordinates opens and explores
// like a computed map — points where the file put them, colour by label, hover, lasso, HDBSCAN.
import type { Page } from '@playwright/test';
import { encodeNpy } from '../bench/npy-writer';
import { expect, test } from './fixtures';
import { closePanels, coords, downloadText, fitDigitsFile, lasso, parseCsv, waitDone, waitInteractive } from './explore-helpers';

/** Three well-separated blobs of 100 points, deterministic, and their blob per point. */
function blobs(): { xy: Float32Array; group: Int32Array } {
  const n = 300;
  const xy = new Float32Array(n * 2);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = i % 3;
    group[i] = g;
    const a = i * 2.399963;
    const r = Math.sqrt((i % 100) / 100) * 1.5;
    xy[2 * i] = Math.fround(g * 10 + r * Math.cos(a));
    xy[2 * i + 1] = Math.fround((g === 1 ? 8 : 0) + r * Math.sin(a));
  }
  return { xy, group };
}

async function openAsMap(page: Page, what: RegExp | string): Promise<void> {
  await expect(page.getByTestId('preview-coords')).toContainText(what);
  await expect(page.getByTestId('open-as-map')).toBeEnabled();
  await page.getByTestId('open-as-map').click();
  await waitDone(page);
  await waitInteractive(page);
}

/** Hover point i and read the tooltip. */
async function hover(page: Page, i: number): Promise<string> {
  const [sx, sy] = (await page.evaluate((k) => window.__mapstream!.screenPosition!(k), i))!;
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.move(box.x + sx + 1, box.y + sy + 1);
  await page.mouse.move(box.x + sx, box.y + sy);
  const tooltip = page.getByTestId('tooltip');
  await expect(tooltip).toBeVisible();
  return (await tooltip.textContent()) ?? '';
}

/** Shift-drag a square lasso around the screen box [x0, x1] × [y0, y1], corners and edges visited with pauses (the lasso drops points closer in time than its delay). */
test('an (n, 2) .npy with a labels .npy opens as a map: points, colour by label, hover, lasso, clusters', async ({ page }) => {
  const { xy, group } = blobs();
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'umap.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(xy, [300, 2])) },
    { name: 'groups.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(group, [300])) },
  ]);
  await expect(page.getByTestId('dataset')).toContainText('300 × 2');
  // Ambiguous: a map or 2-D data. Both are offered, Open as map first; Run stays possible.
  await expect(page.getByTestId('preview-coords')).toContainText('or Run to embed the array as 2-D data');
  await expect(page.getByTestId('run')).toBeEnabled();
  await openAsMap(page, 'an (n, 2) array: 2-D coordinates of a map, or 2-D data to embed');

  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(300);
  expect(await coords(page)).toEqual(Array.from(xy));

  await page.getByTestId('color-by').selectOption('label');
  for (const g of ['0', '1', '2']) await expect(page.getByTestId('legend')).toContainText(g);
  expect(await hover(page, 4)).toContain('groups');

  // The lasso around blob 0 (every third point from 0) selects exactly it; the side panels over the
  // map are closed first, as a user would, so the lasso reaches the map wherever the blob lies.
  await closePanels(page);
  const pos = await page.evaluate(() => Array.from({ length: 300 }, (_, i) => window.__mapstream!.screenPosition!(i)!));
  const blob0 = pos.filter((_, i) => i % 3 === 0);
  const pad = 12;
  const xs = blob0.map(([x]) => x);
  const ys = blob0.map(([, y]) => y);
  await lasso(page, Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.selection!().length)).toBe(100);
  const selected = await page.evaluate(() => window.__mapstream!.selection!());
  expect(selected.every((i) => i % 3 === 0)).toBe(true);

  // HDBSCAN on the file's own coordinates, as for a computed map: the three blobs.
  await page.getByTestId('color-by').selectOption('cluster');
  await expect.poll(() => page.evaluate(() => (window.__mapstream!.clustersFinal ? window.__mapstream!.clusterCount : -1))).toBe(3);
});

test('a CSV with umap_1, umap_2 and label columns opens as a map; bad coordinates name row and column', async ({ page }) => {
  const { xy, group } = blobs();
  const rows = Array.from(group, (g, i) => `${xy[2 * i]},${xy[2 * i + 1]},kind ${g}`);
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles({ name: 'cuml.csv', mimeType: 'text/csv', buffer: Buffer.from(`umap_1,umap_2,label\n${rows.join('\n')}\n`) });
  await openAsMap(page, '2-D coordinates in columns umap_1, umap_2');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(300);
  expect(await coords(page)).toEqual(Array.from(xy));
  await page.getByTestId('color-by').selectOption('label');
  await expect(page.getByTestId('legend')).toContainText('kind 2');
  expect(await hover(page, 7)).toContain('kind 1');

  const bad = [...rows];
  bad[41] = `12.5,Infinity,kind 2`;
  await page.getByTestId('file-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`umap_1,umap_2,label\n${bad.join('\n')}\n`) });
  await expect(page.getByTestId('error')).toContainText("bad.csv: infinite value 'Infinity' at row 42 (line 43), column 'umap_2'");
  // The map shown stays as it was.
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(300);
});

test('our own CSV export of a computed digits map reopens as that map, with its clusters and labels', async ({ page }) => {
  test.setTimeout(240_000);
  const computed = await fitDigitsFile(page);
  await expect.poll(() => page.evaluate(() => (window.__mapstream!.clustersFinal ? (window.__mapstream!.clusterCount ?? 0) : 0))).toBeGreaterThan(0);
  const clusters = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  const { bytes } = await downloadText(page, () => page.getByTestId('export-csv').click());
  expect(parseCsv(bytes.toString('utf8'))[0]).toEqual(['x', 'y', 'cluster', 'digits.labels', 'index']);

  await page.getByTestId('file-input').setInputFiles({ name: 'digits-map.csv', mimeType: 'text/csv', buffer: bytes });
  await openAsMap(page, '2-D coordinates in columns x, y');
  expect(await coords(page)).toEqual(computed);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  expect(await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!))).toEqual(clusters);
  await page.getByTestId('color-by').selectOption('label');
  await expect(page.getByTestId('legend')).toContainText('digits.labels');
  await page.getByTestId('color-by').selectOption('meta:digits.labels');
  await expect(page.getByTestId('color-scale')).toContainText('9');
});
