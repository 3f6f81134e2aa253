import type { Download, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect } from './fixtures';

const localPath = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);
export const DIGITS_NPY = localPath('../public/demo/digits/digits.npy');
export const DIGITS_LABELS = localPath('../public/demo/digits/digits.labels.npy');
export const DIGITS_CSV = localPath('../public/demo/digits/digits.csv');

export async function waitDone(page: Page, timeout = 170_000): Promise<void> {
  await page.waitForFunction(() => window.__mapstream?.status === 'done' || window.__mapstream?.status === 'error', undefined, { timeout });
  const st = await page.evaluate(() => ({ status: window.__mapstream?.status, error: window.__mapstream?.lastError }));
  expect(st, `app ended in ${st.status}: ${st.error}`).toEqual({ status: 'done', error: null });
}

export async function coords(page: Page): Promise<number[]> {
  return page.evaluate(() => Array.from(window.__mapstream!.coords()!));
}

/** Wait until the interactive (WebGL) map has the points, so screen positions and hover work. */
export async function waitInteractive(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => window.__mapstream?.screenPosition?.(0) ?? null), { timeout: 30_000 }).not.toBeNull();
  await expect(page.locator('.map.previewing')).toHaveCount(0, { timeout: 30_000 });
}

/**
 * The wait for an export's own file: each export is followed by its `.record.json`, a download of its
 * own, which can land after the file and must not be taken for the next export's file.
 */
export const exportedFile = { predicate: (d: Download) => !d.suggestedFilename().endsWith('.record.json') };

export async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', exportedFile), click()]);
  return { name: (download as Download).suggestedFilename(), bytes: readFileSync((await (download as Download).path())!) };
}

/** A fresh page's fit of the demo digits file (with its labels), to an interactive map; returns its coordinates. */
export async function fitDigitsFile(page: Page): Promise<number[]> {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('run').click();
  await waitDone(page);
  await waitInteractive(page);
  return coords(page);
}

/** Screen positions of the first n points (null where one is not drawn). */
export function screenPositions(page: Page, n: number): Promise<([number, number] | null)[]> {
  return page.evaluate((count) => Array.from({ length: count }, (_, i) => window.__mapstream!.screenPosition!(i)), n);
}

/**
 * Two animation frames: by then the map's camera has ticked since the last mouse event. Its pan is
 * taken in that tick from the mouse's travel since the previous one while the button is down, so a
 * press that lands in the same frame as a long move (a busy machine delivers both at once) would
 * drag the map by the whole move.
 */
function mapFrames(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Click the map at page point (x, y) as a user does: the pointer arrives, then presses. */
export async function clickMapAt(page: Page, x: number, y: number): Promise<void> {
  await page.mouse.move(x, y);
  await mapFrames(page);
  await page.mouse.click(x, y);
}

/**
 * Lasso the rectangle (x0, y0)–(x1, y1), in map pixels. regl-scatterplot's lasso: hold Shift and
 * drag. Corners and edges are visited with pauses, since the lasso drops points closer in time than
 * its minimum delay.
 */
export async function lasso(page: Page, x0: number, y0: number, x1: number, y1: number): Promise<void> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const path: [number, number][] = [];
  const edge = (ax: number, ay: number, bx: number, by: number) => {
    for (let s = 0; s < 8; s++) path.push([ax + ((bx - ax) * s) / 8, ay + ((by - ay) * s) / 8]);
  };
  edge(x0, y0, x1, y0);
  edge(x1, y0, x1, y1);
  edge(x1, y1, x0, y1);
  edge(x0, y1, x0, y0);
  path.push([x0, y0]);
  await page.mouse.move(box.x + x0, box.y + y0);
  await mapFrames(page);
  await page.keyboard.down('Shift');
  await page.mouse.down();
  for (const [x, y] of path) {
    await page.mouse.move(box.x + x, box.y + y);
    await page.waitForTimeout(20);
  }
  await page.mouse.up();
  await page.keyboard.up('Shift');
}

/** The exported CSV's reader, shared with the unit export tests. */
export { parseCsv } from '../test/helpers/read-csv';

/** Closes the side panels that lie over the map, so a lasso or click anywhere on it reaches the map. */
export async function closePanels(page: Page): Promise<void> {
  for (const id of ['toggle-left', 'toggle-right']) {
    const toggle = page.getByTestId(id);
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  }
}
