import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { coords, waitDone, waitInteractive } from './explore-helpers';
import { jobs, openApp, storedKeys, submit, waitForJob } from './jobs-helpers';

/** The library panel's rows, newest change first. */
const entries = (page: Page) => page.getByTestId('library-entry');

/** The library has settled `kept` finished jobs of this page, and no save of it is pending. */
const librarySettled = (page: Page, kept: number) =>
  expect.poll(() => page.evaluate(() => [window.__mapstream!.libraryKeptJobs, window.__mapstream!.librarySavesPending])).toEqual([kept, 0]);

/** The library total the storage panel shows, in bytes as it prints them ("2 maps, 41.3 kB"). */
async function libraryTotal(page: Page): Promise<string> {
  return (await page.getByTestId('storage-library').textContent()) ?? '';
}

async function runDigits(page: Page, seed: number, minDist: string): Promise<number[]> {
  await page.goto(`./?src=digits&seed=${seed}&md=${minDist}&epochs=60`);
  await waitDone(page);
  await waitInteractive(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clusterCount ?? 0)).toBeGreaterThan(0);
  return coords(page);
}

test('the library keeps every finished map: lists, opens offline, renames, deletes; axe-clean', async ({ page, context }) => {
  const first = await runDigits(page, 3, '0.1');
  await expect(entries(page)).toHaveCount(1);
  const second = await runDigits(page, 4, '0.5');
  // Two runs, two entries (a reload in between: the first one was read back from the store).
  await expect(entries(page)).toHaveCount(2);
  await expect(entries(page).first().getByTestId('library-facts')).toContainText('1,797 × 64');
  await expect(entries(page).first().getByTestId('library-facts')).toContainText('n_neighbors 15 · min_dist 0.5 · euclidean');
  await expect(entries(page).nth(1).getByTestId('library-facts')).toContainText('min_dist 0.1');
  // The map shown is its own entry: showing it again did not add a third.
  await expect(entries(page).first()).toHaveClass(/shown/);
  const totalTwo = await libraryTotal(page);
  expect(totalTwo).toMatch(/^Map library: 2 maps, [\d.]+ (kB|MB)$/);

  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  try {
    await page.goto('./');
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
    await expect(entries(page)).toHaveCount(2);

    // Open each, offline: the coordinates are the ones computed, bit for bit.
    const [newest, oldest] = [entries(page).first(), entries(page).nth(1)];
    const newestId = await newest.getAttribute('data-library-id');
    await page.getByRole('button', { name: 'Open map digits.npy' }).nth(1).click();
    await waitDone(page);
    await waitInteractive(page);
    expect(await coords(page)).toEqual(first);
    await expect(page.getByTestId('legend')).toBeVisible();
    await expect(page.locator(`[data-library-id="${newestId}"]`).getByTestId('library-open')).toBeVisible();
    await page.locator(`[data-library-id="${newestId}"]`).getByTestId('library-open').click();
    await expect.poll(() => coords(page)).toEqual(second);
    // Opening them did not duplicate them.
    await expect(entries(page)).toHaveCount(2);

    // Rename (keyboard: Escape cancels, Enter saves); the name survives a reload.
    const target = page.locator(`[data-library-id="${newestId}"]`);
    await target.getByTestId('library-rename').click();
    const input = target.getByTestId('library-rename-input');
    await expect(input).toBeFocused();
    await input.fill('Discarded name');
    await input.press('Escape');
    await expect(target.getByTestId('library-name')).toHaveText('digits.npy');
    await expect(target.getByTestId('library-rename')).toBeFocused();
    await target.getByTestId('library-rename').press('Enter');
    await target.getByTestId('library-rename-input').fill('Digits, loose');
    await target.getByTestId('library-rename-input').press('Enter');
    await expect(target.getByTestId('library-name')).toHaveText('Digits, loose');

    // axe on the panel, with a delete confirmation open.
    await oldest.getByTestId('library-delete').click();
    await expect(oldest.getByTestId('library-delete-confirm')).toBeFocused();
    const axe = await new AxeBuilder({ page }).include('[data-testid="library"]').include('[data-testid="storage"]').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    // Escape backs out of the confirmation and returns focus to Delete.
    await page.keyboard.press('Escape');
    await expect(oldest.getByTestId('library-confirm')).toHaveCount(0);
    await expect(oldest.getByTestId('library-delete')).toBeFocused();

    await page.reload();
    await expect(page.locator(`[data-library-id="${newestId}"]`).getByTestId('library-name')).toHaveText('Digits, loose');
    await expect(page.getByRole('button', { name: 'Open map Digits, loose' })).toBeVisible();

    // Delete one, from the keyboard: the list and the storage panel's total change, and stay so.
    const doomed = page.locator(`[data-library-id="${newestId}"]`);
    await doomed.getByTestId('library-delete').focus();
    await page.keyboard.press('Enter');
    await expect(doomed.getByTestId('library-delete-confirm')).toBeFocused();
    // Its job is still stored: the choice is offered, and "keep the job" is the default.
    await expect(doomed.getByTestId('library-delete-with-job')).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(entries(page)).toHaveCount(1);
    await expect(page.getByTestId('storage-library')).toContainText('Map library: 1 map, ');
    expect(await libraryTotal(page)).not.toBe(totalTwo);
    await page.reload();
    await expect(entries(page)).toHaveCount(1);
    await expect(entries(page).first().getByTestId('library-name')).toHaveText('digits.npy');
    // The job stays in the Jobs panel with its result.
    await expect(page.locator('[data-testid="job"][data-state="completed"]')).toHaveCount(2);
  } finally {
    await context.setOffline(false);
  }
});

test('a map opened from a file is added once; deleting with the job removes the job too', async ({ page }) => {
  const c = await runDigits(page, 6, '0.1');
  await expect(entries(page)).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent('download'), entries(page).first().getByTestId('library-export').click()]);
  expect(download.suggestedFilename()).toBe('digits.map.json');
  const path = (await download.path())!;
  await page.getByTestId('file-input').setInputFiles(path);
  await waitDone(page);
  expect(await coords(page)).toEqual(c);
  // The same map, opened from its file, is the entry it was exported from.
  await expect(entries(page).first()).toHaveClass(/shown/);
  await expect(entries(page)).toHaveCount(1);

  await entries(page).first().getByTestId('library-delete').click();
  await entries(page).first().getByTestId('library-delete-with-job').click();
  await expect(entries(page)).toHaveCount(0);
  await expect(page.getByTestId('job')).toHaveCount(0);
  // The job's delete is written after the panel drops it: load the page again once nothing of it is stored.
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.startsWith('job:') || k.startsWith('res:'))).toEqual([]);
  // Not page.reload(): this URL is the share link (?src=digits…), and loading it runs that job again, as a new job.
  await openApp(page);
  // Once the stored jobs are loaded (openApp waits for that), none is left.
  expect(await jobs(page)).toEqual([]);
  await expect(page.getByTestId('library')).toContainText('No maps yet');
  await expect(page.getByTestId('job')).toHaveCount(0);
});

test('a job that finishes while the map shows something else is kept too, and a reload keeps it', async ({ page }) => {
  await page.goto('./');
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  // Submitted straight to the scheduler: the explorer never shows it.
  const data = Float32Array.from({ length: 1200 * 3 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453));
  const id = await submit(page, data, 1200, 3, { nEpochs: 20, seed: 1 }, { name: 'background.npy' });
  await waitForJob(page, id, "j.state === 'completed'");
  await expect(entries(page)).toHaveCount(1);
  await expect(entries(page).first().getByTestId('library-name')).toHaveText('background.npy');
  await expect(entries(page).first().getByTestId('library-facts')).toContainText('1,200 × 3');
  await page.reload();
  await expect(entries(page)).toHaveCount(1);
  await entries(page).first().getByTestId('library-open').click();
  await waitDone(page);
  expect(await page.evaluate(() => window.__mapstream!.coords()!.length)).toBe(1200 * 2);
  await expect(entries(page)).toHaveCount(1);
});

test('a map deleted from the library stays deleted when its job, whose end was not stored, runs again after a reload', async ({ page }) => {
  await openApp(page);
  // The page's write of the result is refused (as when the tab closes before it lands): the job's
  // stored record stays running, so a reload resumes it, and it ends again on the same map.
  await page.evaluate(() => window.__mapstreamJobs!.failStorageWrites({ name: 'QuotaExceededError', keyPrefix: 'res:' }));
  const data = Float32Array.from({ length: 600 * 4 }, (_, i) => Math.sin(i * 7.31) * 3);
  const id = await submit(page, data, 600, 4, { nEpochs: 30, seed: 2 }, { name: 'resumed.npy' });
  await waitForJob(page, id, "j.state === 'completed' && j.storageWarning !== null");
  await librarySettled(page, 1);
  await expect(entries(page)).toHaveCount(1);
  await entries(page).first().getByTestId('library-delete').click();
  await entries(page).first().getByTestId('library-delete-confirm').click();
  await expect(entries(page)).toHaveCount(0);

  await page.reload();
  await waitForJob(page, id, "j.state === 'completed' && j.storageWarning === null");
  // After the reload the page follows the resumed job: its end is saved as a job finished here, and
  // as the map shown once its clusters are final (that save is asked for as they turn final).
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  await librarySettled(page, 1);
  await expect(page.getByTestId('library')).toContainText('No maps yet');
  await page.reload();
  await expect(page.getByTestId('library')).toContainText('No maps yet');
});
