import type { Page } from '@playwright/test';
import { BAD_CASES, type BadCase } from './bad-corpus';
import { expect, test } from './fixtures';

// A file path next to this spec, without node:url (the tsconfig has no Node types).
const localPath = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);

const bad = (name: string) => localPath(`./fixtures/bad/${name}`);
const demo = (name: string) => localPath(`../public/demo/digits/${name}`);

async function status(page: Page): Promise<string | undefined> {
  return page.evaluate(() => window.__mapstream?.status);
}

/** After a bad file the app must still load and map good data. */
async function expectStillWorks(page: Page): Promise<void> {
  await page.getByTestId('file-input').setInputFiles([demo('digits.npy'), demo('digits.labels.npy')]);
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('param-n_neighbors').fill('15');
  await page.getByTestId('param-n_epochs').fill('20');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => ['done', 'error'].includes(window.__mapstream?.status ?? ''), null, { timeout: 120_000 });
  expect(await page.evaluate(() => [window.__mapstream!.status, window.__mapstream!.lastError])).toEqual(['done', null]);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
}

const filesOf = (c: BadCase) => c.files.map((f) => (f.startsWith('demo:') ? demo(f.slice(5)) : bad(f)));

// Table-driven over the whole corpus: each file through the real file input and ingest Worker.
for (const c of BAD_CASES) {
  test(`${c.files.join(' + ')}: clear message, nothing crashes, good data still loads`, async ({ page, consoleErrors }) => {
    await page.goto('./');
    await page.getByTestId('file-input').setInputFiles(filesOf(c));
    // Patience, not timing: the first read in a page also loads the ingest Worker, on a busy machine.
    await expect(page.getByTestId('error')).toContainText(c.message, { timeout: 30_000 });
    expect(await status(page)).toBe('error');
    expect(await page.evaluate(() => window.__mapstream!.lastError)).toMatch(c.message);
    await page.getByTestId('file-input').setInputFiles([demo('digits.npy'), demo('digits.labels.npy')]);
    await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
    expect(consoleErrors).toEqual([]);
  });
}

test('after a bad file the app still maps good data', async ({ page, consoleErrors }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('truncated.npy'));
  await expect(page.getByTestId('error')).toContainText('truncated');
  await expectStillWorks(page);
  expect(consoleErrors).toEqual([]);
});

test('fewer points than n_neighbors + 1: the message names the numbers', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('ten-rows.csv'));
  await expect(page.getByTestId('dataset')).toContainText('ten-rows.csv: 10 × 4');
  await page.getByTestId('run').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('10 points');
  await expect(error).toContainText('n_neighbors = 15');
  await expect(error).toContainText('at least 16');
  expect(await status(page)).toBe('error');
  await expectStillWorks(page);
});

test('bad parameters are reported and the previous map stays', async ({ page }) => {
  await page.goto('./');
  await expectStillWorks(page);
  const before = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));

  await page.getByTestId('param-min_dist').fill('abc');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('error')).toContainText("min_dist must be a number (got 'abc')");

  await page.getByTestId('param-min_dist').fill('0.1');
  await page.getByTestId('param-spread').fill('0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('error')).toContainText('spread must be > 0');

  await page.getByTestId('file-input').setInputFiles(bad('nan.csv'));
  await expect(page.getByTestId('error')).toContainText('NaN');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
  expect(await page.evaluate(() => Array.from(window.__mapstream!.coords()!))).toEqual(before);
});
