// Figures and data out: the PNG figure (legend, title, footer; 1× and 2×), the SVG figure, row ids
// in CSV/.npy/Parquet, and the reproducibility record beside every export.
import type { Download, Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { expect, test } from './fixtures';
import { DIGITS_LABELS, DIGITS_NPY, fitDigitsFile, parseCsv } from './explore-helpers';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Click and collect the export and its record: two downloads. */
async function exportFiles(page: Page, testId: string): Promise<Map<string, Buffer>> {
  const got: Download[] = [];
  const onDownload = (d: Download) => got.push(d);
  page.on('download', onDownload);
  await page.getByTestId(testId).click();
  await expect.poll(() => got.length).toBe(2);
  page.off('download', onDownload);
  const files = new Map<string, Buffer>();
  for (const d of got) files.set(d.suggestedFilename(), readFileSync((await d.path())!));
  return files;
}

/** Decode a PNG in the page: its size, and the colours that occur in the part right of the map. */
async function decodePng(page: Page, png: Buffer, mapWidthPx: number): Promise<{ width: number; height: number; rightColors: string[]; darkTopRows: number }> {
  return page.evaluate(
    async ({ b64, mapW }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
      const colors = new Set<string>();
      for (let y = 0; y < bmp.height; y++) {
        for (let x = mapW; x < bmp.width; x++) {
          const o = (y * bmp.width + x) * 4;
          colors.add(`rgb(${data[o]}, ${data[o + 1]}, ${data[o + 2]})`);
        }
      }
      // Rows of the top 30 px holding dark (title) pixels.
      let dark = 0;
      for (let y = 0; y < Math.min(30, bmp.height); y++) {
        for (let x = 0; x < mapW; x++) {
          const o = (y * bmp.width + x) * 4;
          if (data[o]! < 80 && data[o + 1]! < 80 && data[o + 2]! < 80) {
            dark++;
            break;
          }
        }
      }
      return { width: bmp.width, height: bmp.height, rightColors: [...colors], darkTopRows: dark };
    },
    { b64: png.toString('base64'), mapW: mapWidthPx },
  );
}

test('the PNG is a figure: title, legend swatches with counts, footer, at 1× and 2×; its record hashes the input files', async ({ page }) => {
  test.setTimeout(240_000);
  await fitDigitsFile(page);
  const swatches = await page
    .getByTestId('legend')
    .locator('.swatch')
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(swatches).toHaveLength(10);
  const map = (await page.locator('.map-area').boundingBox())!;

  await page.getByTestId('export-title').fill('Handwritten digits');
  await page.getByTestId('export-scale-1').check();
  const one = await exportFiles(page, 'export-png');
  expect([...one.keys()].sort()).toEqual(['digits.png', 'digits.record.json']);
  const png1 = await decodePng(page, one.get('digits.png')!, Math.floor(map.width));
  // The legend lies right of the map; the title band and the footer add height.
  expect(png1.width).toBeGreaterThan(map.width + 60);
  expect(png1.height).toBeGreaterThan(map.height + 40);
  for (const s of swatches) expect(png1.rightColors, `legend swatch ${s}`).toContain(s);
  expect(png1.darkTopRows).toBeGreaterThan(5);

  await page.getByTestId('export-scale-2').check();
  const two = await exportFiles(page, 'export-png');
  const png2 = await decodePng(page, two.get('digits@2x.png')!, Math.floor(2 * map.width));
  expect(Math.abs(png2.width - 2 * png1.width)).toBeLessThanOrEqual(2);
  expect(Math.abs(png2.height - 2 * png1.height)).toBeLessThanOrEqual(2);
  for (const s of swatches) expect(png2.rightColors).toContain(s);

  const record = JSON.parse(two.get('digits.record.json')!.toString('utf8'));
  expect(record).toMatchObject({ appVersion: version, n: 1797, d: 64, seed: 42, export: { kind: 'png', file: 'digits@2x.png' } });
  expect(['cpu', 'webgpu']).toContain(record.backend);
  expect(record.input.files).toEqual([
    { name: 'digits.npy', bytes: readFileSync(DIGITS_NPY).length, sha256: sha256(DIGITS_NPY) },
    { name: 'digits.labels.npy', bytes: readFileSync(DIGITS_LABELS).length, sha256: sha256(DIGITS_LABELS) },
  ]);
  expect(record.params).toMatchObject({ nNeighbors: 15, minDist: 0.1 });
});

test('CSV, .npy and Parquet carry a row id: the source row by default, or the column picked', async ({ page }) => {
  test.setTimeout(240_000);
  await fitDigitsFile(page);
  const csv = parseCsv((await exportFiles(page, 'export-csv')).get('digits.umap.csv')!.toString('utf8'));
  expect(csv[0]!.at(-1)).toBe('index');
  expect(csv.slice(1).map((r) => Number(r.at(-1)))).toEqual(Array.from({ length: 1797 }, (_, i) => i));

  const npyFiles = await exportFiles(page, 'export-npy');
  const npy = npyFiles.get('digits.umap.npy')!;
  expect(npy.subarray(10, 10 + npy.readUInt16LE(8)).toString('latin1')).toMatch(/\('index', '<i4'\)\]/);
  expect(JSON.parse(npyFiles.get('digits.record.json')!.toString('utf8')).rowId).toBe('index');

  const pq = (await exportFiles(page, 'export-parquet')).get('digits.umap.parquet')!;
  const rows = (await parquetReadObjects({ file: pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer })) as { index: number }[];
  expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 1797 }, (_, i) => i));

  // The labels as the id: written once, last.
  await page.getByTestId('export-id-column').selectOption('digits.labels');
  const picked = parseCsv((await exportFiles(page, 'export-csv')).get('digits.umap.csv')!.toString('utf8'));
  // (The cluster column is there once the map is clustered: compare columns by name.)
  expect(picked[0]!.filter((name) => name === 'digits.labels' || name === 'index')).toEqual(['digits.labels']);
  expect(picked[0]!.at(-1)).toBe('digits.labels');
  const labels = csv[0]!.indexOf('digits.labels');
  expect(picked.slice(1).map((r) => r.at(-1))).toEqual(csv.slice(1).map((r) => r[labels]));
});

test('the SVG figure has a circle per point, the legend as text, and its record inside', async ({ page }) => {
  test.setTimeout(240_000);
  await fitDigitsFile(page);
  await page.getByTestId('export-title').fill('Digits & friends');
  const files = await exportFiles(page, 'export-svg');
  const svg = files.get('digits.svg')!.toString('utf8');
  const circles = svg.match(/<circle /g)?.length ?? 0;
  // Points on the same spot in the same colour are drawn once; the footer says how many.
  const merged = Number(/SVG: ([\d,]+) overlapping points merged/.exec(svg)?.[1]?.replace(/,/g, '') ?? 0);
  expect(circles + merged).toBe(1797);
  expect(svg).toContain('Digits &amp; friends');
  expect(svg).toMatch(/mapstream · 1,797 points · nn 15 · md 0.1/);
  const legend = /<g id="legend"[\s\S]*?<\/g>/.exec(svg)![0];
  for (const digit of ['0', '9']) expect(legend).toContain(`>${digit}</text>`);
  const meta = /<metadata id="mapstream-record">([^<]*)<\/metadata>/.exec(svg)![1]!;
  const inside = JSON.parse(
    meta
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
  expect(inside.input.files[0].sha256).toBe(sha256(DIGITS_NPY));
});
