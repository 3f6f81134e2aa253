// "Re-run with…" + "Start from the current map" on digits: the re-run reuses the fuzzy graph, lays
// out from the map shown in the warm start's few epochs (the report says so), keeps the map's
// arrangement, and its trust@15 is within 0.01 of a cold re-run's with the same min_dist.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { newestJob, waitForAllDone } from './jobs-helpers';
import { trustworthiness } from '../bench/quality';
import { loadDigits } from '../test/fixtures/digits';
import { meanDisplacement } from '../test/helpers/map-metrics';

const coords = async (page: Page) => Float32Array.from(await page.evaluate(() => Array.from(window.__mapstream!.coords()!)));

test('a warm re-run starts from the current map, says so, and keeps a cold re-run’s trust', async ({ page }) => {
  const digits = loadDigits();
  const high = { data: digits.data, n: digits.n, d: digits.d };
  const trust = (emb: Float32Array) => trustworthiness(high, { data: emb, n: digits.n, d: 2 }, 15);

  await page.goto('./');
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.getByTestId('demo-digits').click();
  await waitForAllDone(page, 1);
  const first = await newestJob(page);
  const firstMap = await coords(page);
  await expect(page.getByTestId('warm-note')).toHaveCount(0);

  // Digits are small: a re-run is a full layout unless asked, so it equals a fresh run.
  const fromCurrent = page.getByRole('checkbox', { name: 'Start from the current map' });
  await expect(fromCurrent).not.toBeChecked();
  await page.getByTestId('rerun-min_dist').fill('0.5');
  await fromCurrent.check();
  await page.getByTestId('rerun').click();
  await waitForAllDone(page, 2);
  const warm = await newestJob(page);
  expect(await page.evaluate((id) => window.__mapstreamJobs!.reused(id), warm.id)).toMatchObject({ what: 'fuzzy', fromJob: first.id });
  await expect(page.getByTestId('warm-note')).toHaveText('Started from the current map: 50 epochs.');
  const log = (await page.evaluate((id) => window.__mapstreamJobs!.log(id), warm.id))!;
  expect(log).toContain('Init: started from the given map (warm start): 50 epochs at learning rate 0.1.');
  expect(log.some((l) => l.startsWith('Init: spectral'))).toBe(false);
  const warmMap = await coords(page);

  // The same min_dist from the spectral init, for comparison.
  await expect(page.getByTestId('rerun-min_dist')).toHaveValue('0.5');
  await expect(fromCurrent).not.toBeChecked();
  await page.getByTestId('rerun').click();
  await waitForAllDone(page, 3);
  await expect(page.getByTestId('warm-note')).toHaveCount(0);
  const coldMap = await coords(page);

  const tWarm = trust(warmMap);
  const tCold = trust(coldMap);
  test.info().annotations.push({ type: 'trust@15', description: `warm ${tWarm.toFixed(4)}, cold ${tCold.toFixed(4)}` });
  expect(Math.abs(tWarm - tCold)).toBeLessThanOrEqual(0.01);
  // The warm map kept the first map's arrangement; the cold one is laid out afresh.
  expect(meanDisplacement(firstMap, warmMap)).toBeLessThan(meanDisplacement(firstMap, coldMap) / 2);
});
