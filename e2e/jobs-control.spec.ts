import { expect, test } from './fixtures';
import { coordsOf, job, jobs, mixture, openApp, storedKeys, submit, waitForJob } from './jobs-helpers';

// Pause/resume, cancel, a crashing Worker, and the queue under load, on real Workers and IndexedDB.

const N = 2000;
const D = 16;
const data = mixture(N, D, 11).data;
const params = { nEpochs: 60, knnChunkSize: 200, seed: 3, backend: 'cpu' };

test('pause and resume give the same coordinates as an uninterrupted run', async ({ page }) => {
  await openApp(page);
  const plain = await submit(page, data, N, D, params, { name: 'uninterrupted' });
  await waitForJob(page, plain, "j.state === 'completed'");
  const ref = await coordsOf(page, plain);

  const paused = await submit(page, data, N, D, params, { name: 'paused' });
  // Pause in the layout phase, half-way, then once more during kNN of a second attempt is not needed:
  // the layout is where state is most delicate (the embedding moves every epoch).
  await waitForJob(page, paused, "j.progress && j.progress.phase === 'layout' && j.progress.done >= 10");
  await page.evaluate((id) => window.__mapstreamJobs!.pause(id), paused);
  const p = await waitForJob(page, paused, "j.state === 'paused'");
  expect(p.progress!.done).toBeLessThan(60);
  await page.evaluate((id) => window.__mapstreamJobs!.resume(id), paused);
  await waitForJob(page, paused, "j.state === 'completed'");
  const got = await coordsOf(page, paused);
  expect(got).not.toBeNull();
  expect(got!.length).toBe(N * 2);
  expect(got).toEqual(ref);
});

test('pause during kNN and resume: same coordinates', async ({ page }) => {
  await openApp(page);
  const plain = await submit(page, data, N, D, params);
  await waitForJob(page, plain, "j.state === 'completed'");
  const ref = await coordsOf(page, plain);
  const id = await submit(page, data, N, D, params);
  await waitForJob(page, id, "j.progress && j.progress.phase === 'knn' && j.progress.done >= 200");
  await page.evaluate((i) => window.__mapstreamJobs!.pause(i), id);
  const p = await waitForJob(page, id, "j.state === 'paused'");
  expect(p.progress!.phase === 'knn' || p.progress!.phase === 'graph' || p.progress!.phase === 'init' || p.progress!.phase === 'layout').toBe(true);
  await page.evaluate((i) => window.__mapstreamJobs!.resume(i), id);
  await waitForJob(page, id, "j.state === 'completed'");
  expect(await coordsOf(page, id)).toEqual(ref);
});

test('cancel stops the work within a second, frees the Worker, and deletes the job with its stored data', async ({ page }) => {
  const big = mixture(6000, 32, 5).data;
  const jobWorkers: { url: string; closed: boolean }[] = [];
  page.on('worker', (w) => {
    const rec = { url: w.url(), closed: false };
    jobWorkers.push(rec);
    w.on('close', () => (rec.closed = true));
  });
  await openApp(page);
  const id = await submit(page, big, 6000, 32, { nEpochs: 400, knnChunkSize: 500, backend: 'cpu' });
  await waitForJob(page, id, "j.progress && j.progress.phase === 'layout' && j.progress.done >= 5 && j.stored && j.checkpoints > 0");
  expect((await storedKeys(page)).some((k) => k.includes(id))).toBe(true);
  // Through the row's buttons, as a user does: Cancel, then the default choice.
  const row = page.locator(`[data-job-id="${id}"]`);
  await row.getByTestId('job-cancel').click();
  const clicked = Date.now();
  await row.getByTestId('job-cancel-delete').click();
  await expect(row).toHaveCount(0, { timeout: 1000 });
  expect(Date.now() - clicked).toBeLessThan(1500);
  expect(await job(page, id)).toBeNull();
  const umapWorkers = jobWorkers.filter((w) => w.url.includes('umap.worker'));
  expect(umapWorkers.length).toBeGreaterThan(0);
  await expect.poll(() => umapWorkers.every((w) => w.closed), { timeout: 1000 }).toBe(true);
  // Record, checkpoints (base and steps), result and the dataset: nothing of it is left.
  await expect.poll(() => storedKeys(page)).toEqual([]);
});

test('cancel, keeping the data: no progress after a second, the job stays as cancelled and a retry completes it', async ({ page }) => {
  await openApp(page);
  const big = mixture(6000, 32, 6).data;
  const id = await submit(page, big, 6000, 32, { nEpochs: 300, knnChunkSize: 500, backend: 'cpu' });
  await waitForJob(page, id, "j.progress && j.progress.phase === 'layout' && j.progress.done >= 5 && j.stored");
  const row = page.locator(`[data-job-id="${id}"]`);
  await row.getByTestId('job-cancel').click();
  await row.getByTestId('job-cancel-keep').click();
  await waitForJob(page, id, "j.state === 'cancelled'", 1000);
  const atCancel = (await job(page, id))!.events;
  await page.waitForTimeout(1000);
  const later = (await job(page, id))!.events;
  await page.waitForTimeout(1000);
  // Events already in flight when cancel ran may land in the first second, none after.
  expect((await job(page, id))!.events).toBe(later);
  expect(later - atCancel).toBeLessThanOrEqual(2);
  const keys = await storedKeys(page);
  expect(keys).toContain(`job:${id}`);
  expect(keys.some((k) => k.startsWith('ds:'))).toBe(true);
  expect(keys.some((k) => k.startsWith(`cp:${id}`))).toBe(false);
  await row.getByTestId('job-retry').click();
  await waitForJob(page, id, "j.state === 'completed'");
});

test('a crashing Worker fails only its own job, with a message; the others complete', async ({ page }) => {
  await openApp(page);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push(await submit(page, mixture(1500, 16, 20 + i).data, 1500, 16, { nEpochs: 150, backend: 'cpu' }, { name: `job ${i}` }));
  const victim = ids[1]!;
  await waitForJob(page, victim, "j.state === 'running' && j.progress !== null");
  expect(await page.evaluate((i) => window.__mapstreamJobs!.crash(i), victim)).toBe(true);
  const failed = await waitForJob(page, victim, "j.state === 'failed'", 10_000);
  expect(failed.error).toContain("The job's Worker crashed");
  expect(failed.error).toContain('simulated crash');
  for (const id of ids.filter((x) => x !== victim)) await waitForJob(page, id, "j.state === 'completed'");
  await expect(page.locator(`[data-job-id="${victim}"] [data-testid=job-error]`)).toContainText('crashed');
});

test('3 running and 10 queued jobs all complete, started in priority order', async ({ page }) => {
  await openApp(page);
  const small = mixture(1000, 8, 9).data;
  const p = { nEpochs: 20, backend: 'cpu' as const, nNeighbors: 10 };
  const order: ('high' | 'normal' | 'low')[] = ['low', 'normal', 'high', 'low', 'high', 'normal', 'normal', 'low', 'high', 'normal'];
  // All thirteen are submitted in one task; the three high-priority slot jobs, oldest of their rank,
  // start first and the ten others queue behind them.
  const ids = await page.evaluate(
    ([v, p, order]) => {
      const h = window.__mapstreamJobs!;
      const first = [0, 1, 2].map((i) => h.submit(v, 1000, 8, { ...p, nEpochs: 300 }, { name: `slot ${i}`, priority: 'high' }));
      const rest = order.map((priority, i) => h.submit(v, 1000, 8, p, { name: `q${i}`, priority }));
      return { first, rest };
    },
    [Array.from(small), p, order] as const,
  );
  const queued = ids.rest.map((id, i) => ({ id, priority: order[i]!, i }));
  await page.waitForFunction(() => window.__mapstreamJobs!.list().filter((j) => j.state === 'running').length === 3, null, { polling: 20 });
  const snapshot = await jobs(page);
  expect(snapshot.filter((j) => j.state === 'running').map((j) => j.id).sort()).toEqual([...ids.first].sort());
  expect(snapshot.filter((j) => j.state === 'queued').length).toBe(10);
  await page.waitForFunction(() => window.__mapstreamJobs!.list().every((j) => j.state === 'completed'), null, { timeout: 170_000, polling: 200 });
  const done = await jobs(page);
  const byId = new Map(done.map((j) => [j.id, j]));
  const rank = { high: 0, normal: 1, low: 2 } as const;
  const expected = [...queued].sort((a, b) => rank[a.priority as keyof typeof rank] - rank[b.priority as keyof typeof rank] || a.i - b.i).map((q) => q.id);
  const actual = [...queued].sort((a, b) => byId.get(a.id)!.startSeq! - byId.get(b.id)!.startSeq!).map((q) => q.id);
  expect(actual).toEqual(expected);
  // The ten waited: each started only after one of the three slot jobs.
  expect(Math.min(...queued.map((q) => byId.get(q.id)!.startSeq!))).toBe(4);
});
