// Result caching end to end: a finished digits map, then "Re-run with…" another min_dist, which takes
// the stored kNN and fuzzy graphs (the report says so and from which map, kNN never ran), and a
// re-run with the first map's values, which draws the first map again, bit for bit.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { newestJob, waitForAllDone } from './jobs-helpers';

const reused = (page: Page, id: string) => page.evaluate((i) => window.__mapstreamJobs!.reused(i), id);
const coords = (page: Page) => page.evaluate(() => Array.from(window.__mapstream!.coords()!));

test('"Re-run with…" reuses the graphs, says so, skips kNN, and a same-seed re-run is the first map', async ({ page }) => {
  await page.goto('./');
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.getByTestId('param-n_epochs').fill('40');
  await page.getByTestId('demo-digits').click();
  await waitForAllDone(page, 1);
  const first = await newestJob(page);
  expect(await reused(page, first.id)).toBeNull();
  const firstMap = await coords(page);
  expect((await page.evaluate((id) => window.__mapstreamJobs!.timings(id), first.id))!.knn).toBeGreaterThan(0);
  await expect(page.getByTestId('reuse-note')).toHaveCount(0);

  // Keyboard only: the named field, a new value, Enter.
  const minDist = page.getByRole('textbox', { name: 'min_dist' }).and(page.getByTestId('rerun-min_dist'));
  await expect(minDist).toHaveValue('0.1');
  await expect(page.getByTestId('rerun-n_epochs')).toHaveValue('40');
  await minDist.fill('0.5');
  await minDist.press('Enter');
  await waitForAllDone(page, 2);
  const second = await newestJob(page);
  expect(second.id).not.toBe(first.id);
  expect(await reused(page, second.id)).toMatchObject({ what: 'fuzzy', fromJob: first.id, fromName: first.name, seed: 42 });
  const note = `Reused the kNN and fuzzy graphs of ${first.name} (seed 42): kNN and graph phases skipped.`;
  await expect(page.getByTestId('reuse-note')).toHaveText(note);
  await expect(page.getByTestId('job-reused').first()).toHaveText(note);
  const t = (await page.evaluate((id) => window.__mapstreamJobs!.timings(id), second.id))!;
  expect(t.knn).toBe(0);
  expect(t.graph).toBe(0);
  const log = (await page.evaluate((id) => window.__mapstreamJobs!.log(id), second.id))!;
  expect(log).toContain(note);
  expect(log.some((l) => l.startsWith('kNN:'))).toBe(false);
  const secondMap = await coords(page);
  expect(secondMap).not.toEqual(firstMap);

  // Back to the first map's values: the same seed and graph give the first map exactly.
  await page.getByTestId('rerun-min_dist').fill('0.1');
  await page.getByTestId('rerun').click();
  await waitForAllDone(page, 3);
  const third = await newestJob(page);
  expect(await reused(page, third.id)).toMatchObject({ what: 'fuzzy', fromJob: first.id });
  expect(await coords(page)).toEqual(firstMap);
});
