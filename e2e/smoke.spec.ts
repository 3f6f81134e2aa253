import { test, expect } from './fixtures';

test('built app loads under a sub-path, isolated, and can start a Worker', async ({ page, consoleErrors, baseURL }) => {
  const response = await page.goto('./');
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(baseURL);
  await page.waitForLoadState('networkidle');

  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // A module Worker that echoes back proves workers start under COEP and see SharedArrayBuffer.
  const fromWorker = await page.evaluate(
    () =>
      new Promise<{ isolated: boolean; sab: boolean }>((resolve, reject) => {
        const src = 'postMessage({ isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer === "function" });';
        const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        const worker = new Worker(url, { type: 'module' });
        worker.onmessage = (e) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.onerror = (e) => reject(new Error(e.message));
      }),
  );
  expect(fromWorker).toEqual({ isolated: true, sab: true });
  expect(consoleErrors).toEqual([]);
});

test('the non-isolated server serves the same app without cross-origin isolation', async ({ page, openURL, consoleErrors }) => {
  // coi=0: opt out of the service worker that would otherwise isolate the page (see worker-modes).
  const response = await page.goto(`${openURL}?coi=0`);
  expect(response?.status()).toBe(200);
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(consoleErrors).toEqual([]);
});
