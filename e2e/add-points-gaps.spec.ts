// "Add points" where it used to fall short (issue 12, gaps): a one-row batch (CSV and .npy); a batch that
// lands after a reload keeps its name and metadata columns; a batch that lands while another map is
// shown goes into its own map's library entry, not onto the map shown; a second tab adds points to a
// map the first one fitted (the model read from IndexedDB); and points are added offline after a reload.
import type { Page } from '@playwright/test';
import { encodeNpy } from '../bench/npy-writer';
import { addFile, D, digits, digitsCsv, FIT_N, FIT_NAME, openFromLibrary, points } from './digits-batches';
import { downloadText, parseCsv, waitDone, waitInteractive } from './explore-helpers';
import { expect, test } from './fixtures';
import { waitForHold, release, waitForJob } from './jobs-helpers';

/** A 100-epoch fit of the first 400 digits from a CSV with metadata, to its final clusters. */
async function fit400(page: Page): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name: FIT_NAME, mimeType: 'text/csv', buffer: digitsCsv(0, FIT_N, (i) => `fit-${i}`) });
  await expect(page.getByTestId('dataset')).toContainText('400 × 64');
  await page.getByTestId('param-n_epochs').fill('100');
  await page.getByTestId('run').click();
  await waitDone(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  await expect(page.getByTestId('add-points')).toBeEnabled();
}

/** The newest transform job's id, once it is listed. */
async function newestTransform(page: Page): Promise<string> {
  await expect.poll(() => page.evaluate(() => window.__mapstreamJobs!.list().filter((j) => j.kind === 'transform' && j.state !== 'completed').length)).toBeGreaterThan(0);
  return page.evaluate(() => window.__mapstreamJobs!.list().find((j) => j.kind === 'transform' && j.state !== 'completed')!.id);
}

/** Each library entry's name and point count, read from IndexedDB. */
function libraryCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('mapstream-maps');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('maps').objectStore('maps').getAll(IDBKeyRange.bound('entry:', 'entry:\uffff'));
          req.onsuccess = () => resolve(Object.fromEntries((req.result as { name: string; n: number }[]).map((e) => [e.name, e.n])));
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** The map's CSV export: header and rows. */
async function exportedCsv(page: Page): Promise<{ head: string[]; rows: string[][] }> {
  const csv = parseCsv((await downloadText(page, () => page.getByTestId('export-csv').click())).bytes.toString('utf8'));
  return { head: csv[0]!, rows: csv.slice(1) };
}

test('one-row batches (CSV and .npy) are added; a batch that lands after a reload keeps its name and metadata', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('./');
  await fit400(page);

  // One row with its metadata, then one bare .npy row: each is a batch of one point.
  await addFile(page, { name: 'one.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N, FIT_N + 1, () => 'single') }, 1);
  await expect.poll(() => points(page), { timeout: 120_000 }).toBe(FIT_N + 1);
  await expect(page.getByRole('status').filter({ hasText: 'Added 1 points (one.csv)' })).toBeVisible();
  const one = digits.data.slice((FIT_N + 1) * D, (FIT_N + 2) * D);
  await addFile(page, { name: 'one.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(one, [1, D])) }, 1);
  await expect.poll(() => points(page), { timeout: 120_000 }).toBe(FIT_N + 2);

  // A fit still needs more points than n_neighbors: the one-row file is refused for a run.
  await page.getByTestId('file-input').setInputFiles({ name: 'one-fit.csv', mimeType: 'text/csv', buffer: digitsCsv(0, 1, () => 'x') });
  await expect(page.getByTestId('error')).toContainText('one-fit.csv has only 1 row; a map needs at least 2 points');
  await expect.poll(() => points(page)).toBe(FIT_N + 2);

  // 20 more, held in their layout, and the page reloaded before they land.
  const hold = { phase: 'layout', done: 5 } as const;
  await page.evaluate((at) => window.__mapstreamJobs!.holdNextTransform(at), hold);
  await addFile(page, { name: 'late.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N + 2, FIT_N + 22, (i) => `late-${i}`) }, 20);
  const id = await newestTransform(page);
  await waitForHold(page, id, hold);
  await page.reload();
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  await waitForJob(page, id, "j.state === 'completed'");
  // No map is shown after the reload, so the batch went into its map's library entry.
  await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N + 22 });
  await openFromLibrary(page, FIT_NAME);
  await expect.poll(() => points(page)).toBe(FIT_N + 22);
  await waitInteractive(page);

  // The batches are named after their files, and the metadata came with every one of them.
  await page.getByTestId('color-by').selectOption('batch');
  const legend = page.getByTestId('legend');
  await expect(legend.locator('li')).toHaveCount(4);
  await expect(legend.locator('li').nth(1)).toContainText('one.csv');
  await expect(legend.locator('li').nth(2)).toContainText('one.npy');
  await expect(legend.locator('li').nth(3)).toContainText('late.csv');
  const { head, rows } = await exportedCsv(page);
  const [note, label, batch] = ['note', 'label', 'batch'].map((c) => head.indexOf(c));
  expect(Math.min(note!, label!, batch!)).toBeGreaterThanOrEqual(0);
  expect(rows).toHaveLength(FIT_N + 22);
  expect(rows[FIT_N]![note!]).toBe('single');
  expect(rows[FIT_N + 1]![note!]).toBe('');
  expect(rows.slice(FIT_N + 2).map((r) => r[note!])).toEqual(Array.from({ length: 20 }, (_, k) => `late-${FIT_N + 2 + k}`));
  expect(rows.slice(FIT_N + 2).map((r) => r[label!])).toEqual(Array.from({ length: 20 }, (_, k) => `d${digits.labels[FIT_N + 2 + k]}`));
  expect(rows.slice(FIT_N + 2).every((r) => r[batch!] === '3')).toBe(true);
});

test('a batch that lands while another map is shown goes into its own map in the library', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./');
  await fit400(page);
  const hold = { phase: 'layout', done: 5 } as const;
  await page.evaluate((at) => window.__mapstreamJobs!.holdNextTransform(at), hold);
  await addFile(page, { name: 'meanwhile.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N, FIT_N + 30, (i) => `m-${i}`) }, 30);
  const id = await newestTransform(page);
  await waitForHold(page, id, hold);

  // Another map is opened while the batch waits: a precomputed one, 50 points in a circle.
  const other = ['x,y,label', ...Array.from({ length: 50 }, (_, i) => `${Math.cos(i / 8).toFixed(4)},${Math.sin(i / 8).toFixed(4)},c${i % 3}`)].join('\n');
  await page.getByTestId('file-input').setInputFiles({ name: 'circle.csv', mimeType: 'text/csv', buffer: Buffer.from(`${other}\n`) });
  await page.getByTestId('open-as-map').click();
  await expect.poll(() => points(page)).toBe(50);
  const circle = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));

  await release(page, id);
  await waitForJob(page, id, "j.state === 'completed'");
  const notice = page.getByTestId('add-points-notice');
  await expect(notice).toContainText(`Added 30 points (meanwhile.csv) to the map “${FIT_NAME}” in the library`);
  await expect(notice.getByTestId('refit-with-all')).toHaveCount(0);
  // The map shown did not take them.
  expect(await points(page)).toBe(50);
  expect(await page.evaluate(() => window.__mapstream!.batches!())).toBeNull();
  expect(await page.evaluate(() => Array.from(window.__mapstream!.coords()!))).toEqual(circle);
  await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N + 30, 'circle.csv': 50 });

  // Their own map opens with them, with clusters taken from its fitted points.
  await openFromLibrary(page, FIT_NAME);
  await expect.poll(() => points(page)).toBe(FIT_N + 30);
  expect(await page.evaluate(() => window.__mapstream!.batches!()!.filter((b) => b === 1).length)).toBe(30);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const clusters = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  expect(clusters.slice(FIT_N).filter((c) => c >= 0).length).toBeGreaterThan(15);
  await expect(page.getByTestId('add-points')).toBeEnabled();
});

test('a second tab opens a map the first one fitted and adds points to it, with the model read from IndexedDB', async ({ page, context }) => {
  test.setTimeout(240_000);
  await page.goto('./');
  await fit400(page);
  await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N });
  const fittedBefore = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));

  const other = await context.newPage();
  await other.goto('./');
  await expect.poll(() => other.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await openFromLibrary(other, FIT_NAME);
  await expect.poll(() => points(other)).toBe(FIT_N);
  await expect.poll(() => other.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  await expect(other.getByTestId('add-points')).toBeEnabled();
  await addFile(other, { name: 'tab-b.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N, FIT_N + 25, (i) => `b-${i}`) }, 25);
  await expect.poll(() => points(other), { timeout: 120_000 }).toBe(FIT_N + 25);
  await expect(other.getByRole('status').filter({ hasText: 'Added 25 points (tab-b.csv)' })).toBeVisible();
  // The library entry they share now holds the batch; the first tab's map, that entry too, shows it
  // (e2e/library-race.spec.ts), its fitted points as they were.
  await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N + 25 });
  await expect.poll(() => points(page)).toBe(FIT_N + 25);
  expect(await page.evaluate((n) => Array.from(window.__mapstream!.coords()!.subarray(0, 2 * n)), FIT_N)).toEqual(fittedBefore);
  await other.close();
});

test('offline, after a reload, points are added to a map kept in the browser', async ({ page, context }) => {
  test.setTimeout(240_000);
  await page.goto('./');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await fit400(page);
  await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N });

  await context.setOffline(true);
  try {
    await page.reload();
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
    await openFromLibrary(page, FIT_NAME);
    await expect.poll(() => points(page)).toBe(FIT_N);
    await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
    await addFile(page, { name: 'offline.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N, FIT_N + 40, (i) => `o-${i}`) }, 40);
    await expect.poll(() => points(page), { timeout: 120_000 }).toBe(FIT_N + 40);
    await expect(page.getByRole('status').filter({ hasText: 'Added 40 points (offline.csv)' })).toBeVisible();
    await expect.poll(() => libraryCounts(page)).toEqual({ [FIT_NAME]: FIT_N + 40 });
  } finally {
    await context.setOffline(false);
  }
});
