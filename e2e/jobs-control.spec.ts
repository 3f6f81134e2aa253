import { expect, test } from './fixtures';
import { coordsOf, job, jobs, mixture, openApp, pauseHeld, release, storedKeys, submit, waitForHold, waitForJob } from './jobs-helpers';

// Pause/resume, cancel, a crashing Worker, and the queue under load, on real Workers and IndexedDB.
// Where a test acts on a running job, the job is held at a known boundary (holdAt) until the test
// releases it, so the action never races a job that may already have finished.

const N = 2000;
const D = 16;
const data = mixture(N, D, 11).data;
const params = { nEpochs: 60, knnChunkSize: 200, seed: 3, backend: 'cpu' };

test('pause and resume give the same coordinates as an uninterrupted run', async ({ page }) => {
  await openApp(page);
  const plain = await submit(page, data, N, D, params, { name: 'uninterrupted' });
  await waitForJob(page, plain, "j.state === 'completed'");
  const ref = await coordsOf(page, plain);

  // Paused in the layout phase, where state is most delicate (the embedding moves every epoch), at
  // epoch 10 exactly: the run waits there until released, and the pause is sent before the release.
  const at = { phase: 'layout', done: 10 } as const;
  const paused = await submit(page, data, N, D, params, { name: 'paused', holdAt: at });
  await waitForHold(page, paused, at);
  const p = await pauseHeld(page, paused);
  expect(p.progress).toMatchObject({ phase: 'layout', done: 10, total: 60 });
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
  // Exact kNN (N ≤ exactKnnMaxN) in chunks of 200 points: held after the first chunk, paused there.
  const at = { phase: 'knn', done: 200 } as const;
  const id = await submit(page, data, N, D, params, { holdAt: at });
  await waitForHold(page, id, at);
  const p = await pauseHeld(page, id);
  expect(p.progress).toMatchObject({ phase: 'knn', done: 200, total: N });
  expect(p.progress!.phase === 'knn' || p.progress!.phase === 'graph' || p.progress!.phase === 'init' || p.progress!.phase === 'layout').toBe(true);
  await page.evaluate((i) => window.__mapstreamJobs!.resume(i), id);
  await waitForJob(page, id, "j.state === 'completed'");
  expect(await coordsOf(page, id)).toEqual(ref);
});

// The cancels below land on a Worker that is computing: released from epoch 5 of thousands, it cannot
// finish first however busy the machine is. What is asserted is the order of things (the Worker is
// gone, then nothing more arrives), not wall-clock time, which a loaded machine stretches; the
// latency is recorded as an annotation.
test('cancel stops the work, frees the Worker, and deletes the job with its stored data', async ({ page }) => {
  const big = mixture(6000, 32, 5).data;
  const jobWorkers: { url: string; closed: boolean }[] = [];
  page.on('worker', (w) => {
    const rec = { url: w.url(), closed: false };
    jobWorkers.push(rec);
    w.on('close', () => (rec.closed = true));
  });
  await openApp(page);
  const at = { phase: 'layout', done: 5 } as const;
  const id = await submit(page, big, 6000, 32, { nEpochs: 4000, knnChunkSize: 500, backend: 'cpu' }, { holdAt: at });
  await waitForHold(page, id, at, 'j.stored && j.checkpoints > 0');
  expect((await storedKeys(page)).some((k) => k.includes(id))).toBe(true);
  // Back to work, with 3,995 epochs to go, so the cancel stops a Worker that is computing.
  expect(await release(page, id)).toBe(true);
  // Through the row's buttons, as a user does: Cancel, then the default choice.
  const row = page.locator(`[data-job-id="${id}"]`);
  await row.getByTestId('job-cancel').click();
  const clicked = Date.now();
  await row.getByTestId('job-cancel-delete').click();
  await expect(row).toHaveCount(0);
  test.info().annotations.push({ type: 'cancel → row gone (ms)', description: String(Date.now() - clicked) });
  expect(await job(page, id)).toBeNull();
  const umapWorkers = jobWorkers.filter((w) => w.url.includes('umap.worker'));
  expect(umapWorkers.length).toBeGreaterThan(0);
  await expect.poll(() => umapWorkers.every((w) => w.closed)).toBe(true);
  // Record, checkpoints (base and steps), result and the dataset: nothing of it is left.
  await expect.poll(() => storedKeys(page)).toEqual([]);
});

test('cancel, keeping the data: no progress once the Worker is gone, the job stays as cancelled and a retry completes it', async ({ page }) => {
  const umapWorkers: { closed: boolean }[] = [];
  page.on('worker', (w) => {
    if (!w.url().includes('umap.worker')) return;
    const rec = { closed: false };
    umapWorkers.push(rec);
    w.on('close', () => (rec.closed = true));
  });
  await openApp(page);
  const big = mixture(6000, 32, 6).data;
  const at = { phase: 'layout', done: 5 } as const;
  const id = await submit(page, big, 6000, 32, { nEpochs: 1000, knnChunkSize: 500, backend: 'cpu' }, { holdAt: at });
  await waitForHold(page, id, at, 'j.stored');
  // Computing again (995 epochs to go) when the cancel lands.
  expect(await release(page, id)).toBe(true);
  const row = page.locator(`[data-job-id="${id}"]`);
  await row.getByTestId('job-cancel').click();
  await row.getByTestId('job-cancel-keep').click();
  await waitForJob(page, id, "j.state === 'cancelled'");
  const atCancel = (await job(page, id))!.events;
  // The job's Worker is terminated; whatever it sent before that has landed by then.
  await expect.poll(() => umapWorkers.length > 0 && umapWorkers.every((w) => w.closed)).toBe(true);
  const later = (await job(page, id))!.events;
  // Then a second of watching: nothing more arrives.
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
  // The victim waits at layout epoch 10 until it crashes, so it cannot finish first.
  const at = { phase: 'layout', done: 10 } as const;
  for (let i = 0; i < 3; i++)
    ids.push(await submit(page, mixture(1500, 16, 20 + i).data, 1500, 16, { nEpochs: 150, backend: 'cpu' }, { name: `job ${i}`, ...(i === 1 ? { holdAt: at } : {}) }));
  const victim = ids[1]!;
  await waitForHold(page, victim, at);
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
  // start first and the ten others queue behind them. The slot jobs wait at layout epoch 10 until
  // released, so the snapshot below sees them running whatever the machine's speed.
  const ids = await page.evaluate(
    ([v, p, order]) => {
      const h = window.__mapstreamJobs!;
      const first = [0, 1, 2].map((i) => h.submit(v, 1000, 8, { ...p, nEpochs: 300 }, { name: `slot ${i}`, priority: 'high', holdAt: { phase: 'layout', done: 10 } }));
      const rest = order.map((priority, i) => h.submit(v, 1000, 8, p, { name: `q${i}`, priority }));
      return { first, rest };
    },
    [Array.from(small), p, order] as const,
  );
  const queued = ids.rest.map((id, i) => ({ id, priority: order[i]!, i }));
  await page.waitForFunction(() => window.__mapstreamJobs!.list().filter((j) => j.state === 'running').length === 3, null, { polling: 20 });
  const snapshot = await jobs(page);
  expect(
    snapshot
      .filter((j) => j.state === 'running')
      .map((j) => j.id)
      .sort(),
  ).toEqual([...ids.first].sort());
  expect(snapshot.filter((j) => j.state === 'queued').length).toBe(10);
  // A release is sent only to a run that is waiting at its boundary.
  for (const id of ids.first) {
    await waitForHold(page, id, { phase: 'layout', done: 10 });
    expect(await release(page, id)).toBe(true);
  }
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
