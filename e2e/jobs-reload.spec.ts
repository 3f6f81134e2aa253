import { expect, test } from './fixtures';
import { coordsOf, job, mixture, openApp, pauseHeld, presetSettings, reloadAndResume, storedKeys, submit, waitForHold, waitForJob } from './jobs-helpers';
import { trustworthiness } from '../bench/quality';

// A reload during kNN and another during the layout: the job resumes by itself (auto-resume is on by
// default) from its IndexedDB checkpoint, loses at most one chunk, and maps as well as a run that
// was never interrupted. Where the point of a reload or pause matters, the job waits at a known
// boundary (holdAt) until then; a reloaded page has no hold, so its run goes on by itself.

const N = 6000;
const D = 48;
const CHUNK = 250;
const { data } = mixture(N, D, 31);
// Exact kNN (exactKnnMaxN above N) so that a chunk is CHUNK points and the counters say so directly.
const params = { nEpochs: 300, knnChunkSize: CHUNK, exactKnnMaxN: 10_000, seed: 9, backend: 'cpu' };
// Approximate kNN with N points: 6 RP trees (one unit of N each), then NN-descent iterations of N units
// each, whose sampling and joins report progress step by step. The steps are paced by measured time, so
// how far one step goes depends on the machine: a hold reached "at" lands at the first boundary past it.
const DESCENT_CHUNK = 500;
const descentAt = (iteration: number, chunks: number) => ({ phase: 'knn', done: (6 + iteration - 1) * N + chunks * DESCENT_CHUNK }) as const;

test('reload during kNN and again during the layout: the job resumes, loses at most one chunk, same quality', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  // Held after the fourth chunk, until the reload ends the page; the chunk before it is stored by then.
  const at = { phase: 'knn', done: 4 * CHUNK } as const;
  const id = await submit(page, data, N, D, params, { name: 'survivor', holdAt: at });

  // --- reload during kNN ---
  const inKnn = await waitForHold(page, id, at, `j.checkpoints > 0 && j.lastCheckpoint && j.lastCheckpoint.phase === 'knn' && j.lastCheckpoint.done >= ${3 * CHUNK}`);
  expect(inKnn.progress!.done).toBeLessThan(N - 4 * CHUNK);
  const beforeKnn = (await job(page, id))!;
  const msKnn = await reloadAndResume(page, id);
  const afterKnn = (await job(page, id))!;
  expect(afterKnn.interrupted).toBe(true);
  expect(afterKnn.resumedFrom, 'resumed from a stored checkpoint').not.toBeNull();
  expect(afterKnn.resumedFrom!.phase).toBe('knn');
  // At most the chunk that was being written is lost, and never anything already confirmed stored.
  expect(afterKnn.resumedFrom!.done).toBeGreaterThanOrEqual(beforeKnn.progress!.done - CHUNK);
  expect(afterKnn.resumedFrom!.done).toBeGreaterThanOrEqual(beforeKnn.lastCheckpoint!.done);

  // --- reload during the layout ---
  await waitForJob(page, id, `j.progress && j.progress.phase === 'layout' && j.progress.done >= 60 && j.progress.done < 200 && j.lastCheckpoint && j.lastCheckpoint.phase === 'layout'`);
  const beforeLayout = (await job(page, id))!;
  const msLayout = await reloadAndResume(page, id);
  const afterLayout = (await job(page, id))!;
  expect(afterLayout.resumedFrom!.phase).toBe('layout');
  expect(afterLayout.resumedFrom!.done).toBeGreaterThanOrEqual(beforeLayout.lastCheckpoint!.done);
  expect(afterLayout.resumedFrom!.done).toBeLessThanOrEqual(beforeLayout.progress!.done + 50);

  await waitForJob(page, id, "j.state === 'completed'", 200_000);
  const resumed = await coordsOf(page, id);
  expect(resumed).not.toBeNull();
  // The map shows the resumed job once it completes.
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('done');
  expect(await page.evaluate(() => window.__mapstream!.coords()?.length)).toBe(N * 2);

  // The same job, never interrupted.
  const plain = await submit(page, data, N, D, params, { name: 'uninterrupted' });
  await waitForJob(page, plain, "j.state === 'completed'", 200_000);
  const ref = await coordsOf(page, plain);

  const high = { data, n: N, d: D };
  const tResumed = trustworthiness(high, { data: Float32Array.from(resumed!), n: N, d: 2 }, 15);
  const tRef = trustworthiness(high, { data: Float32Array.from(ref!), n: N, d: 2 }, 15);
  console.log(
    `reload→work: ${msKnn} ms (kNN), ${msLayout} ms (layout); trustworthiness resumed ${tResumed.toFixed(4)} vs uninterrupted ${tRef.toFixed(4)}; identical: ${JSON.stringify(resumed) === JSON.stringify(ref)}`,
  );
  test.info().annotations.push({ type: 'reload-to-work-ms', description: `${msKnn}, ${msLayout}` });
  expect(tResumed).toBeGreaterThan(tRef - 0.01);
  expect(tResumed).toBeGreaterThan(0.8);
});

test('with auto-resume off, a reloaded job waits as interrupted and resumes with one click', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  // The setting is changed in the Settings panel, as a user would, and persists over the reload.
  await page.getByTestId('section-settings-toggle').click();
  await page.getByTestId('settings').locator('summary').click();
  await page.getByTestId('setting-auto-resume').uncheck();
  // Held in kNN, with a kNN checkpoint stored, until the reload.
  const at = { phase: 'knn', done: 2 * CHUNK } as const;
  const id = await submit(page, data, N, D, { ...params, nEpochs: 100 }, { name: 'manual', holdAt: at });
  await waitForHold(page, id, at, "j.checkpoints > 0 && j.lastCheckpoint && j.lastCheckpoint.phase === 'knn' && j.lastCheckpoint.done > 0");
  await page.reload();
  await openApp(page);
  const row = page.locator(`[data-job-id="${id}"]`);
  await expect(row.getByTestId('job-state')).toHaveText('interrupted');
  await page.waitForTimeout(1000);
  expect((await job(page, id))!.local).toBe(false);
  await row.getByTestId('job-resume').click();
  const done = await waitForJob(page, id, "j.state === 'completed'", 200_000);
  expect(done.resumedFrom?.phase).toBe('knn');
  await expect(page.getByTestId('setting-auto-resume')).not.toBeChecked();
});

test('reload during NN-descent: the stored steps replay to the same map as an uninterrupted run', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  // Approximate kNN (N above exactKnnMaxN): the checkpoint is a base plus one stored step per chunk wave.
  const approx = { nEpochs: 120, knnChunkSize: DESCENT_CHUNK, exactKnnMaxN: 1000, seed: 4, backend: 'cpu' };
  // Held inside NN-descent, from its second iteration on (a fast machine's paced step may carry it into
  // the third), until the reload.
  const at = descentAt(2, 2);
  // Its arrays from 4 KB are stored in 64 KB parts (value-parts.ts, for values over IndexedDB's size
  // limit at a million points), so the resume reads its base and steps back from parts.
  const id = await submit(page, data, N, D, approx, { name: 'descent survivor', holdAt: at, valueParts: { from: 4096, part: 65536 } });
  await waitForHold(page, id, at, `j.progress.label && /NN-descent iteration ([2-9]|1[0-9])/.test(j.progress.label) && j.checkpoints > 3`);
  const before = (await job(page, id))!;
  expect((await storedKeys(page)).filter((k) => k.startsWith(`part:cp:${id}:`)).length).toBeGreaterThan(10);
  await reloadAndResume(page, id);
  const after = (await job(page, id))!;
  expect(after.resumedFrom!.phase).toBe('knn');
  expect(after.resumedFrom!.done).toBeGreaterThanOrEqual(before.lastCheckpoint!.done);
  await waitForJob(page, id, "j.state === 'completed'", 200_000);
  const log = (await page.evaluate((x) => window.__mapstreamJobs!.log(x), id))!;
  expect(log.some((l) => /Checkpoints: \d+ saved \(\d+ full, \d+ steps/.test(l))).toBe(true);
  const resumed = await coordsOf(page, id);
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.includes(id) && k.startsWith('part:'))).toEqual([]);

  const plain = await submit(page, data, N, D, approx, { name: 'descent uninterrupted' });
  await waitForJob(page, plain, "j.state === 'completed'", 200_000);
  expect(resumed).toEqual(await coordsOf(page, plain));
});

test('queued jobs that never started keep their data over a reload, stay queued, and then run', async ({ page }) => {
  test.setTimeout(240_000);
  await presetSettings(page, { maxConcurrentJobs: 1 });
  await openApp(page);
  // The first job waits in kNN until the reload, so it is still running while the others queue.
  const first = await submit(page, data, N, D, { ...params, nEpochs: 400 }, { name: 'running', holdAt: { phase: 'knn', done: CHUNK } });
  const small = mixture(2000, 16, 5).data;
  const p = { nEpochs: 60, seed: 3, backend: 'cpu' };
  const waiting = [await submit(page, small, 2000, 16, p, { name: 'queued 1' }), await submit(page, small, 2000, 16, { ...p, seed: 4 }, { name: 'queued 2' })];
  for (const id of waiting) await waitForJob(page, id, "j.state === 'queued' && j.stored");
  await expect(page.locator(`[data-job-id="${waiting[0]}"] [data-testid=job-progress]`)).toContainText('data saved: survives a reload');
  expect((await job(page, first))!.state).toBe('running');

  await page.reload();
  await openApp(page);
  for (const id of waiting) {
    const j = (await job(page, id))!;
    // Not "interrupted": they never started, so they simply wait their turn again.
    expect(j.interrupted).toBe(false);
    expect(['queued', 'running']).toContain(j.state);
  }
  for (const id of [first, ...waiting]) await waitForJob(page, id, "j.state === 'completed'", 200_000);
  const fromStore = await coordsOf(page, waiting[0]!);

  // The data read back from IndexedDB is the data submitted: a fresh run of it maps identically.
  const fresh = await submit(page, small, 2000, 16, p, { name: 'fresh' });
  await waitForJob(page, fresh, "j.state === 'completed'", 200_000);
  expect(fromStore).toEqual(await coordsOf(page, fresh));
});

test('a job paused during NN-descent stays paused over a reload and resumes from its stored steps to the same map', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  const approx = { nEpochs: 80, knnChunkSize: DESCENT_CHUNK, exactKnnMaxN: 1000, seed: 6, backend: 'cpu' };
  // Held inside NN-descent (from its first iteration on), then paused exactly there.
  const at = descentAt(1, 2);
  const id = await submit(page, data, N, D, approx, { name: 'paused survivor', holdAt: at });
  const held = await waitForHold(page, id, at, "j.progress.label && j.progress.label.includes('NN-descent') && j.checkpoints > 2");
  const paused = await pauseHeld(page, id);
  expect(paused.progress).toEqual(held.progress);
  await page.reload();
  await openApp(page);
  const after = (await job(page, id))!;
  expect(after.state).toBe('paused');
  await page.waitForTimeout(500);
  expect((await job(page, id))!.events).toBe(0); // nothing runs until Resume
  await page.locator(`[data-job-id="${id}"]`).getByTestId('job-resume').click();
  const done = await waitForJob(page, id, "j.state === 'completed'", 200_000);
  expect(done.resumedFrom!.phase).toBe(paused.progress!.phase);
  expect(done.resumedFrom!.done).toBe(paused.progress!.done);
  const resumed = await coordsOf(page, id);
  const plain = await submit(page, data, N, D, approx, { name: 'never paused' });
  await waitForJob(page, plain, "j.state === 'completed'", 200_000);
  expect(resumed).toEqual(await coordsOf(page, plain));
});
