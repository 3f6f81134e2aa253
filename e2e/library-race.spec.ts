// No added points are ever lost from a library map (issue 12, "librace"): tab A shows map M while
// tab B opens M from the library and adds a batch to it. Tab A shows B's batch without a reload and
// without moving its view, then adds its own batch; the stored map keeps both, and reopens with both.
// (Before batches were merged, A's save wrote its own copy of M over the entry and dropped B's.)
import type { Page } from '@playwright/test';
import { addFile, digitsCsv, FIT_N, FIT_NAME, openFromLibrary, points } from './digits-batches';
import { waitDone, waitInteractive } from './explore-helpers';
import { expect, test } from './fixtures';

const clustersFinal = (page: Page) => page.evaluate(() => window.__mapstream!.clustersFinal);
const fittedCoords = (page: Page) => page.evaluate((n) => Array.from(window.__mapstream!.coords()!.subarray(0, 2 * n)), FIT_N);
const batchSizes = (page: Page) =>
  page.evaluate(() => {
    const of = window.__mapstream!.batches!();
    const sizes: number[] = [];
    for (const b of of ?? []) sizes[b] = (sizes[b] ?? 0) + 1;
    return Array.from(sizes, (s) => s ?? 0);
  });

/** Open the add step, read `file` and press "Add N points". */

/** Each library entry's name, point count and batch ids, read from IndexedDB. */
function library(page: Page): Promise<{ name: string; n: number; batchIds: string[] }[]> {
  return page.evaluate(
    () =>
      new Promise<{ name: string; n: number; batchIds: string[] }[]>((resolve, reject) => {
        const open = indexedDB.open('mapstream-maps');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('maps').objectStore('maps').getAll(IDBKeyRange.bound('entry:', 'entry:\uffff'));
          req.onsuccess = () => resolve((req.result as { name: string; n: number; batchIds: string[] }[]).map((e) => ({ name: e.name, n: e.n, batchIds: e.batchIds })));
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

test('a batch added to a map in another tab shows in the tab showing it, and its own later batch keeps both', async ({ page: tabA, context }) => {
  test.setTimeout(300_000);
  await tabA.goto('./');
  await tabA.getByTestId('file-input').setInputFiles({ name: FIT_NAME, mimeType: 'text/csv', buffer: digitsCsv(0, FIT_N, (i) => `fit-${i}`) });
  await expect(tabA.getByTestId('dataset')).toContainText('400 × 64');
  await tabA.getByTestId('param-n_epochs').fill('100');
  await tabA.getByTestId('run').click();
  await waitDone(tabA);
  await expect.poll(() => clustersFinal(tabA)).toBe(true);
  await expect.poll(() => library(tabA).then((l) => l.map((e) => [e.name, e.n]))).toEqual([[FIT_NAME, FIT_N]]);
  await waitInteractive(tabA);
  const fittedA = await fittedCoords(tabA);
  const viewA = await tabA.evaluate(() => window.__mapstream!.view!());
  expect(viewA).not.toBeNull();

  // Tab B opens the same map from the library and adds 25 points to it through Add points.
  const tabB = await context.newPage();
  await tabB.goto('./');
  await expect.poll(() => tabB.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await openFromLibrary(tabB, FIT_NAME);
  await expect.poll(() => points(tabB)).toBe(FIT_N);
  await expect.poll(() => clustersFinal(tabB)).toBe(true);
  await expect(tabB.getByTestId('add-points')).toBeEnabled();
  await addFile(tabB, { name: 'tab-b.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N, FIT_N + 25, (i) => `b-${i}`) }, 25);
  await expect.poll(() => points(tabB), { timeout: 120_000 }).toBe(FIT_N + 25);

  // Tab A, never reloaded, shows B's batch: the fitted points where they were, the view unmoved,
  // the new points in clusters of their own, and a notice that says where they came from.
  await expect.poll(() => points(tabA), { timeout: 30_000 }).toBe(FIT_N + 25);
  expect(await batchSizes(tabA)).toEqual([FIT_N, 25]);
  expect(await fittedCoords(tabA)).toEqual(fittedA);
  expect(await tabA.evaluate(() => window.__mapstream!.view!())).toEqual(viewA);
  await expect.poll(() => clustersFinal(tabA)).toBe(true);
  await expect.poll(() => tabA.evaluate(() => window.__mapstream!.clusters!()!.length)).toBe(FIT_N + 25);
  await expect(tabA.getByTestId('add-points-notice')).toContainText(
    '25 points (tab-b.csv), added to this map in the library since it was opened (in another tab, or by a job that finished meanwhile), are shown here too',
  );

  // Tab A then adds its own 10 points: the entry keeps B's batch and gains A's.
  await addFile(tabA, { name: 'tab-a.csv', mimeType: 'text/csv', buffer: digitsCsv(FIT_N + 25, FIT_N + 35, (i) => `a-${i}`) }, 10);
  await expect.poll(() => points(tabA), { timeout: 120_000 }).toBe(FIT_N + 35);
  await expect.poll(() => library(tabA).then((l) => l.map((e) => [e.name, e.n]))).toEqual([[FIT_NAME, FIT_N + 35]]);
  expect((await library(tabA))[0]!.batchIds).toHaveLength(2);
  // And tab B, in turn, shows A's batch.
  await expect.poll(() => points(tabB), { timeout: 30_000 }).toBe(FIT_N + 35);

  // Reopened in a fresh tab, the map has both batches, with their rows' metadata.
  await tabB.close();
  const tabC = await context.newPage();
  await tabC.goto('./');
  await expect.poll(() => tabC.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await openFromLibrary(tabC, FIT_NAME);
  await expect.poll(() => points(tabC)).toBe(FIT_N + 35);
  expect(await batchSizes(tabC)).toEqual([FIT_N, 25, 10]);
  expect(await fittedCoords(tabC)).toEqual(fittedA);
  await tabC.getByTestId('color-by').selectOption('batch');
  const legend = tabC.getByTestId('legend');
  await expect(legend.locator('li')).toHaveCount(3);
  await expect(legend.locator('li').nth(1)).toContainText('tab-b.csv');
  await expect(legend.locator('li').nth(2)).toContainText('tab-a.csv');
  await tabC.close();
});
