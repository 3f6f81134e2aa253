import { expect, test } from './fixtures';
import { coords, DIGITS_LABELS, DIGITS_NPY, exportedFile, waitDone, waitInteractive } from './explore-helpers';

test('while a local file is processed, nothing goes to any other origin and no request carries data', async ({ page, baseURL, appServer }) => {
  const seen: { url: string; method: string; body: string | null }[] = [];
  page.on('request', (r) => seen.push({ url: r.url(), method: r.method(), body: r.postData() }));
  page.context().on('request', (r) => seen.push({ url: r.url(), method: r.method(), body: r.postData() }));
  await page.goto('./');
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  // The service worker's install fetches the app's own files, the bundled digits among them; it is
  // done before the user's file is read, so what follows is the processing alone.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const serverFrom = appServer.requests.length;
  const pageFrom = seen.length;
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('run').click();
  await waitDone(page);
  await waitInteractive(page);
  // Clustering, hover and selection are part of processing too.
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clusterCount ?? 0)).toBeGreaterThan(0);

  const origin = new URL(baseURL!).origin;
  const during = seen.slice(pageFrom);
  for (const r of during) {
    const u = new URL(r.url);
    // blob: and data: URLs never leave the machine; everything else must be the app's own origin.
    if (u.protocol === 'blob:' || u.protocol === 'data:') continue;
    expect(u.origin, `request to ${r.url}`).toBe(origin);
    expect(['GET', 'HEAD'], `${r.method} ${r.url}`).toContain(r.method);
    expect(r.body, `body of ${r.url}`).toBeNull();
  }
  const server = appServer.requests.slice(serverFrom);
  for (const r of server) {
    expect(['GET', 'HEAD'], `${r.method} ${r.url}`).toContain(r.method);
    expect(r.bodyLength, `body of ${r.url}`).toBe(0);
    // The user's file names never appear in a request either.
    expect(r.url).not.toContain('digits.npy');
  }
});

test('offline: a reload shows the app, and the stored map opens without recomputing', async ({ page, context }) => {
  await page.goto('./?src=digits&seed=11');
  await waitDone(page);
  await waitInteractive(page);
  // The final clustering, which the library keeps (a streamed one could still change).
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const c = await coords(page);
  const clusters = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  // The service worker has installed, so it holds the whole app (cached at install), and is in control.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  await context.setOffline(true);
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'mapstream' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await page.getByTestId('library-open').click();
  await waitDone(page);
  await waitInteractive(page);
  expect(await coords(page)).toEqual(c);
  expect(await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!))).toEqual(clusters);
  await expect(page.getByTestId('legend')).toBeVisible();
  // The stored map holds the data's labels; the user can delete it (the library asks once).
  await page.getByTestId('library-delete').click();
  await page.getByTestId('library-delete-confirm').click();
  await expect(page.getByTestId('library-open')).toHaveCount(0);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await expect(page.getByTestId('library-open')).toHaveCount(0);
  await context.setOffline(false);
});

test('a saved map file opens again with the same coordinates, labels and clusters', async ({ page }) => {
  await page.goto('./?src=digits&seed=5&epochs=100');
  await waitDone(page);
  await waitInteractive(page);
  // The final clustering, which the saved file holds (a streamed one could still change under the export).
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  const c = await coords(page);
  const clusters = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  const [download] = await Promise.all([page.waitForEvent('download', exportedFile), page.getByTestId('export-map').click()]);
  expect(download.suggestedFilename()).toBe('digits.map.json');
  const path = (await download.path())!;
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(path);
  await waitDone(page);
  expect(await coords(page)).toEqual(c);
  expect(await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!))).toEqual(clusters);
  await expect(page.getByTestId('legend')).toContainText('digits.labels');
  // A broken map file is reported by name and problem.
  await page.getByTestId('file-input').setInputFiles({ name: 'broken.map.json', mimeType: 'application/json', buffer: Buffer.from('{"mapstream":1,"n":3,"nComponents":2,"coords":[1,2]}') });
  await expect.poll(() => page.evaluate(() => window.__mapstream?.lastError)).toContain('broken.map.json: "coords" must hold n × nComponents = 6 numbers (got 2)');
});
