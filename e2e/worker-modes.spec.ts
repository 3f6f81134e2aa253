import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// Both Worker modes run the same job path: shared wasm memory when the page is cross-origin isolated,
// transferred copies when it is not. The layout is deterministic per seed, so both must agree exactly.

async function runDigits(page: Page, url: string): Promise<{ coords: number[]; isolated: boolean; mode: string }> {
  await page.goto(url);
  await page.getByTestId('demo-digits').click();
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('param-n_epochs').fill('60');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => window.__mapstream?.status === 'done' || window.__mapstream?.status === 'error', null, { timeout: 150_000 });
  expect(await page.evaluate(() => window.__mapstream?.lastError ?? null)).toBeNull();
  const coords = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const mode = (await page.getByTestId('worker-mode').textContent()) ?? '';
  return { coords, isolated, mode };
}

test('shared-memory and transferred-chunk modes both complete, with identical maps', async ({ browser, baseURL, openURL }) => {
  const shared = await browser.newContext();
  const a = await runDigits(await shared.newPage(), baseURL!);
  await shared.close();
  const transfer = await browser.newContext();
  // coi=0 keeps the service worker from isolating the page, so the app must use transfer mode.
  const b = await runDigits(await transfer.newPage(), `${openURL}?coi=0`);
  await transfer.close();

  expect(a.isolated).toBe(true);
  expect(a.mode).toMatch(/share one copy/i);
  expect(b.isolated).toBe(false);
  expect(b.mode).toMatch(/own copy/i);
  expect(a.coords.length).toBe(1797 * 2);
  expect(b.coords).toEqual(a.coords);
});

test('on a host without isolation headers, the service worker isolates the page', async ({ browser, openURL }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(openURL);
  // First visit registers the worker and reloads once under its control.
  await page.waitForFunction(() => crossOriginIsolated === true, null, { timeout: 30_000 });
  await expect(page.getByTestId('worker-mode')).toContainText(/share one copy/i);
  await ctx.close();
});
