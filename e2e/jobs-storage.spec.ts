import { expect, test } from './fixtures';
import { coordsOf, mixture, openApp, storedKeys, submit, waitForJob } from './jobs-helpers';

// Storage that refuses writes: the origin's quota is set very low through the DevTools protocol.
// The job still completes (in memory) and the warning is shown.

const N = 2000;
const D = 16;
const params = { nEpochs: 40, knnChunkSize: 250, seed: 4, backend: 'cpu' };

test('over quota: the job completes in memory and the warning is shown; what was stored before stays intact', async ({ page, baseURL }) => {
  await openApp(page);
  await expect(page.getByTestId('storage-warning')).toHaveCount(0);
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  // Room for a small job, not for the larger one after it. (Chromium applies the override to an
  // origin whose storage it has not sized yet, so the small job is stored under it too.)
  // The service worker's precache counts against the quota too: measured before it has filled its
  // cache, the room left would go to the cache, not to the small job (seen on a loaded machine).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const usage = (await page.evaluate(() => navigator.storage.estimate())).usage ?? 0;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 2_000_000 });
  let overQuota: string;
  let before: string;
  let beforeCoords: number[] | null;
  // The override holds for the origin in the whole browser: undo it even if the test fails.
  try {
    before = await submit(page, mixture(1200, 4, 3).data, 1200, 4, params, { name: 'stored before' });
    const small = await waitForJob(page, before, "j.state === 'completed'");
    expect(small.storageWarning).toBeNull();
    beforeCoords = await coordsOf(page, before);
    // 3000 × 256 floats: a 3 MB dataset, more than the room left.
    overQuota = await submit(page, mixture(3000, 256, 2).data, 3000, 256, params, { name: 'over quota' });
    const done = await waitForJob(page, overQuota, "j.state === 'completed'");
    expect(done.storageWarning).toMatch(/QuotaExceededError|refused a write/);
    expect(done.storageWarning).toContain('continues in memory');
    expect(done.checkpoints).toBe(0);
    expect((await coordsOf(page, overQuota))!.length).toBe(3000 * 2);
    await page.getByTestId('section-settings-toggle').click();
    await expect(page.getByTestId('storage-warning')).toBeVisible();
    await expect(page.getByTestId('storage-warning')).toContainText(/storage/i);
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  }

  // The scheduler goes on taking jobs after the failures.
  const next = await submit(page, mixture(N, D, 1).data, N, D, params, { name: 'after' });
  await waitForJob(page, next, "j.state === 'completed'");
  // The result stored before the refused writes reads back unchanged after a reload.
  await page.reload();
  await openApp(page);
  expect(await page.evaluate((id) => window.__mapstreamJobs!.get(id)?.state, before)).toBe('completed');
  expect(await coordsOf(page, before)).toEqual(beforeCoords);
});

test('retention: failed and kept-cancelled jobs older than the retention period go with their data; completed ones stay', async ({ page }) => {
  await openApp(page);
  const hour = 3600_000;
  // Records as earlier page loads left them, written straight into IndexedDB.
  await page.evaluate(async (hour) => {
    const now = Date.now();
    const rec = (id: string, state: string, ageH: number, datasetKey: string | null) => ({
      id,
      name: id,
      n: 1000,
      d: 2,
      params: {},
      priority: 'normal',
      order: 1,
      state,
      createdAt: now - ageH * hour - 1000,
      startedAt: now - ageH * hour - 1000,
      finishedAt: now - ageH * hour,
      elapsedS: 1,
      progress: null,
      datasetKey,
      categories: null,
      error: state === 'failed' ? 'x' : null,
    });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('mapstream-jobs');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('kv', 'readwrite');
    const kv = tx.objectStore('kv');
    kv.put(rec('old-failed', 'failed', 25, 'dsold'), 'job:old-failed');
    kv.put(rec('old-cancelled', 'cancelled', 30, null), 'job:old-cancelled');
    kv.put(rec('old-completed', 'completed', 25 * 30, null), 'job:old-completed');
    kv.put(rec('recent-failed', 'failed', 1, null), 'job:recent-failed');
    kv.put({ key: 'dsold', n: 1000, d: 2, chunkRows: 1000, chunks: 1 }, 'ds:dsold');
    kv.put(new Float32Array(2000), 'ds:dsold:0');
    await new Promise((r) => (tx.oncomplete = r));
    db.close();
  }, hour);
  await page.reload();
  await openApp(page);
  const ids = (await page.evaluate(() => window.__mapstreamJobs!.list().map((j) => j.id))).sort();
  expect(ids).toEqual(['old-completed', 'recent-failed']);
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.startsWith('ds:dsold') || k.includes('old-failed') || k.includes('old-cancelled')), { timeout: 15_000 }).toEqual([]);
});

test('storage panel shows usage and quota', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('storage-usage')).toContainText(/MB used of .* MB/);
});
