import type { Page } from '@playwright/test';
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

const cases: { file: string; message: RegExp }[] = [
  { file: 'empty.csv', message: /empty\.csv is empty/ },
  { file: 'ragged.csv', message: /row 3 \(line 4\) has 2 fields, but the header has 3/ },
  { file: 'nan.csv', message: /NaN at row 4 \(line 5\), column 'y'/ },
  { file: 'int64.npy', message: /unsupported dtype '<i8'; mapstream reads float32 and float64/ },
  { file: 'truncated.npy', message: /truncated.*needs 128 bytes of data, but the file has only 108/ },
];

for (const { file, message } of cases) {
  test(`${file}: clear message, nothing crashes, app still works`, async ({ page, consoleErrors }) => {
    await page.goto('./');
    await page.getByTestId('file-input').setInputFiles(bad(file));
    await expect(page.getByTestId('error')).toContainText(message);
    expect(await status(page)).toBe('error');
    expect(await page.evaluate(() => window.__mapstream!.lastError)).toMatch(message);
    await expectStillWorks(page);
    expect(consoleErrors).toEqual([]);
  });
}

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
