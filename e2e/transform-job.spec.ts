import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { coordsOf, digitsSplit, job, openApp, pauseHeld, storedKeys, submit, submitTransform, waitForHold, waitForJob } from './jobs-helpers';

// A transform job in real Chromium, through the jobs test hook: fit 1,500 digits, add the other 297
// as a transform job (its own Worker and compute pool, the fit's model read back from IndexedDB),
// check that the fitted map did not move by a bit; pause and resume one, cancel one; then reload while a second, identical transform
// waits at a kNN boundary: it resumes from its stored checkpoint and ends with the same bits.

const FIT_N = 1500;
const { digits, D, fitRows, newRows, M } = digitsSplit(FIT_N);
const CHUNK = 100;
const params = { nEpochs: 150, seed: 4, backend: 'cpu', knnChunkSize: CHUNK };

function transformResult(page: Page, id: string) {
  return page.evaluate((i) => window.__mapstreamJobs!.transformResult(i), id);
}

/** The message a refused submitTransform throws. */
function refusal(page: Page, parent: string, values: number[], m: number, d: number): Promise<string> {
  return page.evaluate(
    ([p, v, m, d]) => {
      try {
        window.__mapstreamJobs!.submitTransform(p, v, m, d);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    },
    [parent, values, m, d] as const,
  );
}

test('a transform job places new digits without moving the map, and survives a reload mid-way', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  const fit = await submit(page, fitRows, FIT_N, D, params, { name: 'digits 1500' });
  await waitForJob(page, fit, "j.state === 'completed'");
  const before = await coordsOf(page, fit);
  expect(before).toHaveLength(FIT_N * 2);

  // Refused at once, with the user's message.
  expect(
    await refusal(
      page,
      fit,
      Array.from({ length: 2 * 50 }, () => 0),
      2,
      50,
    ),
  ).toBe('The new points have 50 dimensions; the map was fitted on 64.');
  expect(await refusal(page, fit, [], 0, D)).toBe('The file has no rows to add.');

  // --- an undisturbed transform ---
  const t1 = await submitTransform(page, fit, newRows, M, D, { name: 'digits 297' });
  await waitForJob(page, t1, "j.state === 'completed'");
  const v1 = (await job(page, t1))!;
  expect(v1.kind).toBe('transform');
  expect(v1.parent).toBe(fit);
  await expect(page.locator(`[data-job-id="${t1}"] .job-name`)).toHaveText(`Add ${M} points to digits 1500`);
  const r1 = (await transformResult(page, t1))!;
  expect(r1.parent).toBe(fit);
  expect(r1.m).toBe(M);
  expect(r1.coords).toHaveLength(M * 2);
  expect(r1.coords.every(Number.isFinite)).toBe(true);
  expect(r1.meanNearestDistance).toBeGreaterThan(0);
  // Each new digit's nearest fitted rows are mostly of its own kind.
  let same = 0;
  for (let i = 0; i < M; i++) if (digits.labels[r1.indices[i * r1.k]!] === digits.labels[FIT_N + i]) same++;
  expect(same / M).toBeGreaterThan(0.9);
  // The fitted map moved by exactly 0.
  expect(await coordsOf(page, fit)).toEqual(before);

  // --- paused in the layout and resumed: the same bits ---
  const inLayout = { phase: 'layout', done: 5 } as const;
  const t3 = await submitTransform(page, fit, newRows, M, D, { holdAt: inLayout });
  await waitForHold(page, t3, inLayout);
  expect((await pauseHeld(page, t3)).progress).toMatchObject(inLayout);
  await page.evaluate((i) => window.__mapstreamJobs!.resume(i), t3);
  await waitForJob(page, t3, "j.state === 'completed'");
  expect((await transformResult(page, t3))!.coords).toEqual(r1.coords);

  // --- cancelled: the job goes, with everything it stored ---
  const inKnn = { phase: 'knn', done: CHUNK } as const;
  const t4 = await submitTransform(page, fit, newRows, M, D, { holdAt: inKnn });
  await waitForHold(page, t4, inKnn, 'j.stored && j.checkpoints > 0');
  expect((await storedKeys(page)).some((k) => k.includes(t4))).toBe(true);
  await page.evaluate((i) => window.__mapstreamJobs!.cancel(i), t4);
  await expect.poll(() => job(page, t4)).toBeNull();
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.includes(t4))).toEqual([]);
  // The fit keeps its model and rows: a dataset goes only with its last job.
  const keys = await storedKeys(page);
  expect(keys).toContain(`model:${fit}`);
  // Its kNN graph is kept once, in the graph cache, referenced by the fit (the model stores no copy).
  expect(keys.filter((k) => k.startsWith(`gref:${fit}:gknn:`))).toHaveLength(1);
  expect(keys).not.toContain(`model:${fit}:knn`);

  // --- the same transform, reloaded while it waits after its second kNN chunk (of three) ---
  const at = { phase: 'knn', done: 2 * CHUNK } as const;
  const t2 = await submitTransform(page, fit, newRows, M, D, { name: 'digits 297 again', holdAt: at });
  const held = await waitForHold(page, t2, at, `j.lastCheckpoint && j.lastCheckpoint.phase === 'knn' && j.lastCheckpoint.done >= ${CHUNK}`);
  expect(held.stored).toBe(true);
  await page.reload();
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  const resumed = await waitForJob(page, t2, "j.state === 'completed'");
  expect(resumed.interrupted).toBe(true);
  expect(resumed.resumedFrom, 'resumed from a stored checkpoint').not.toBeNull();
  expect(resumed.resumedFrom!.phase).toBe('knn');
  // At most the chunk being written when the page went is lost.
  expect(resumed.resumedFrom!.done).toBeGreaterThanOrEqual(CHUNK);
  const r2 = (await transformResult(page, t2))!;
  expect(r2.coords).toEqual(r1.coords);
  expect(r2.indices).toEqual(r1.indices);
  // After the reload the fit's map comes from the store: still the same bits.
  expect(await coordsOf(page, fit)).toEqual(before);
  // So does the first transform's result.
  expect((await transformResult(page, t1))!.coords).toEqual(r1.coords);
});
