import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DIGITS_LABELS, DIGITS_NPY, waitDone } from './explore-helpers';

/** The service worker has installed (so its precache is complete) and controls the page. */
async function waitServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test('offline after a first visit that ran nothing, on a host that sends Vary: Origin: the app, a local file, the demos', async ({ page, context, serveApp }) => {
  // `vite preview` sends Vary: Origin; a cache match that honours Vary would miss every file.
  const server = await serveApp({ vary: 'Origin' });
  await page.goto(server.url);
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await waitServiceWorker(page);
  // Nothing was read or run: no Worker has been started, so only the precache can hold their scripts.
  const served = server.requests.map((r) => r.url ?? '');
  expect(
    served.filter((u) => u.includes('/assets/ingest.worker-')),
    'the ingest Worker script, fetched by the precache alone',
  ).toHaveLength(1);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'mapstream' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');

    await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
    await expect(page.getByTestId('dataset')).toContainText('1,797');
    await page.getByTestId('run').click();
    await waitDone(page);
    // The cluster Worker starts offline too.
    await expect.poll(() => page.evaluate(() => window.__mapstream!.clusterCount ?? 0)).toBeGreaterThan(0);

    // The bundled digits (demo data from public/) and a generated demo (the demo Worker).
    await page.goto(`${server.url}?src=digits&epochs=50`);
    await waitDone(page);
    expect(await page.evaluate(() => window.__mapstream!.coords()!.length)).toBe(1797 * 2);
    await page.goto(`${server.url}?src=blobs&n=300&d=4&epochs=50`);
    await waitDone(page);
    expect(await page.evaluate(() => window.__mapstream!.coords()!.length)).toBe(300 * 2);
  } finally {
    await context.setOffline(false);
  }
});

test('a Worker whose script does not load ends in a message, and the next try starts a new one', async ({ browser, appServer }) => {
  // No service worker here, so page.route sees every Worker script request.
  const context = await browser.newContext({ serviceWorkers: 'block', baseURL: appServer.url });
  const page = await context.newPage();
  try {
    await page.route('**/assets/ingest.worker-*.js', (route) => route.abort());
    await page.goto('./');
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
    await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
    await expect(page.getByTestId('error')).toContainText('Could not start the file reader: its script did not load');
    await expect(page.getByTestId('dataset')).not.toContainText('Reading');

    // The failed reader was dropped: once the script loads again, the same file is read.
    await page.unroute('**/assets/ingest.worker-*.js');
    await page.route('**/assets/cluster.worker-*.js', (route) => route.abort());
    await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
    await expect(page.getByTestId('dataset')).toContainText('1,797');

    // A clusterer that cannot start says so; the map itself is unaffected.
    await page.goto('./?src=digits&epochs=50');
    await waitDone(page);
    await expect(page.getByTestId('cluster-note')).toContainText('Clustering failed: Could not start the clusterer: its script did not load');
  } finally {
    await context.close();
  }
});
