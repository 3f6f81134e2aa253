// The finished map's quality badge: trustworthiness@15 and kNN recall@15, measured in a Worker on a
// sample, agree with the benchmark's scorer on the same coordinates.
import { readFileSync } from 'node:fs';
import { knnRecall, trustworthiness } from '../bench/quality';
import { parseNpy } from '../src/io/npy';
import { expect, test } from './fixtures';
import { DIGITS_NPY, exportedFile, fitDigitsFile } from './explore-helpers';

test("the digits map shows its trustworthiness and recall, matching the bench's metric", async ({ page }) => {
  test.setTimeout(240_000);
  const c = await fitDigitsFile(page);
  const values = page.getByTestId('quality-values');
  await expect(values).toBeVisible({ timeout: 60_000 });
  const trust = Number(await values.getAttribute('data-trust'));
  const recall = Number(await values.getAttribute('data-recall'));
  expect(Number(await values.getAttribute('data-sample'))).toBe(1000);
  expect(trust).toBeGreaterThanOrEqual(0.98);
  expect(recall).toBeGreaterThanOrEqual(0.5);
  await expect(page.getByTestId('quality-trust')).toHaveText(trust.toFixed(3));
  await expect(page.getByTestId('quality-badge')).toContainText('15 nearest neighbours');

  // The scorer's own numbers on every row (its default sample covers all 1,797).
  const ds = parseNpy(readFileSync(DIGITS_NPY), 'digits.npy');
  const high = { data: ds.data, n: ds.n, d: ds.d };
  const low = { data: Float32Array.from(c), n: ds.n, d: 2 };
  expect(Math.abs(trust - trustworthiness(high, low))).toBeLessThanOrEqual(0.01);
  expect(Math.abs(recall - knnRecall(high, low))).toBeLessThanOrEqual(0.01);
});

test('a map opened from a file says why it has no quality numbers', async ({ page }) => {
  test.setTimeout(240_000);
  await fitDigitsFile(page);
  const [download] = await Promise.all([page.waitForEvent('download', exportedFile), page.getByTestId('export-map').click()]);
  await page.getByTestId('export-record').uncheck();
  await page.getByTestId('file-input').setInputFiles((await download.path())!);
  await expect(page.getByTestId('quality-unavailable')).toContainText('Quality needs the vectors this map was made from');
  await expect(page.getByTestId('quality-values')).toHaveCount(0);
});
