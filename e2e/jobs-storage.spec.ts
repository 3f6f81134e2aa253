import { expect, test } from './fixtures';
import { coordsOf, mixture, openApp, submit, waitForJob } from './jobs-helpers';

// Storage that refuses writes: the origin's quota is set very low through the DevTools protocol.
// The job still completes (in memory) and the warning is shown.

const N = 2000;
const D = 16;
const params = { nEpochs: 40, knnChunkSize: 250, seed: 4, backend: 'cpu' };

test('over quota: the job completes in memory and the warning is shown', async ({ page, baseURL }) => {
  await openApp(page);
  await expect(page.getByTestId('storage-warning')).toHaveCount(0);
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 10_000 });
  let overQuota: string;
  // The override holds for the origin in the whole browser: undo it even if the test fails.
  try {
    overQuota = await submit(page, mixture(N, D, 2).data, N, D, params, { name: 'over quota' });
    const done = await waitForJob(page, overQuota, "j.state === 'completed'");
    expect(done.storageWarning).toMatch(/QuotaExceededError|refused a write/);
    expect(done.storageWarning).toContain('continues in memory');
    expect(done.checkpoints).toBe(0);
    expect((await coordsOf(page, overQuota))!.length).toBe(N * 2);
    await expect(page.getByTestId('storage-warning')).toBeVisible();
    await expect(page.getByTestId('storage-warning')).toContainText(/storage/i);
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  }

  // The scheduler goes on taking jobs after the failures.
  const next = await submit(page, mixture(N, D, 1).data, N, D, params, { name: 'after' });
  await waitForJob(page, next, "j.state === 'completed'");
});

test('storage panel shows usage and quota', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('storage-usage')).toContainText(/MB used of .* MB/);
});
