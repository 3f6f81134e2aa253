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

export async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: (download as Download).suggestedFilename(), bytes: readFileSync((await (download as Download).path())!) };
}

/** The exported CSV's reader, shared with the unit export tests. */
export { parseCsv } from '../test/helpers/read-csv';
