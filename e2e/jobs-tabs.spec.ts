import { expect, test } from './fixtures';
import { coordsOf, mixture, openApp, pauseHeld, submit, waitForHold, waitForJob } from './jobs-helpers';
import type { Page } from '@playwright/test';
import type { JobView } from '../src/jobs/scheduler';

// Two tabs of the same origin share IndexedDB and Web Locks: a job runs in one of them only, the other
// shows it as running elsewhere, and takes it over from its checkpoint when the owner tab closes.
// The first tab's run waits in kNN until that tab closes, so the job cannot finish before the
// take-over; the second tab's run has no hold and goes on to the end.

const N = 6000;
const D = 48;
const params = { nEpochs: 300, knnChunkSize: 250, exactKnnMaxN: 10_000, seed: 2, backend: 'cpu' };

test('two tabs never run the same job at once; the second takes it over when the first closes', async ({ page, context }) => {
  test.setTimeout(240_000);
  await openApp(page);
  const at = { phase: 'knn', done: 1000 } as const;
  const id = await submit(page, mixture(N, D, 3).data, N, D, params, { name: 'shared', holdAt: at });
  await waitForHold(page, id, at, 'j.checkpoints > 0');

  const other = await context.newPage();
  await openApp(other);
  const view = (p: typeof page) => p.evaluate((i) => window.__mapstreamJobs!.get(i), id) as Promise<JobView | null>;
  await expect.poll(async () => (await view(other))?.elsewhere).toBe(true);
  await expect(other.locator(`[data-job-id="${id}"] [data-testid=job-state]`)).toContainText('running in another tab');
  // Sample both tabs for a while: never both running it.
  for (let i = 0; i < 20; i++) {
    const [a, b] = await Promise.all([view(page), view(other)]);
    expect(a!.local && b!.local).toBe(false);
    expect(a!.local).toBe(true);
    await other.waitForTimeout(100);
  }
  // The other tab cannot resume or cancel it while the owner lives.
  await other.evaluate((i) => window.__mapstreamJobs!.resume(i), id);
  expect((await view(other))!.local).toBe(false);

  await page.close();
  await other.waitForFunction(
    (i) => {
      const j = window.__mapstreamJobs!.get(i);
      return !!j && j.local && j.events > 0;
    },
    id,
    { timeout: 60_000 },
  );
  const taken = (await view(other))!;
  expect(taken.elsewhere).toBe(false);
  expect(taken.resumedFrom).not.toBeNull();
  await other.waitForFunction((i) => window.__mapstreamJobs!.get(i)?.state === 'completed', id, { timeout: 200_000 });
  expect(await other.evaluate((i) => window.__mapstreamJobs!.coords(i).then((c) => c?.length), id)).toBe(N * 2);
});

test('a finished job deleted in one tab leaves the other tab too; one retried in a tab is that tab’s in the other', async ({ page, context }) => {
  await openApp(page);
  const small = mixture(1200, 8, 4).data;
  const p = { nEpochs: 30, seed: 1, backend: 'cpu' };
  const done = await submit(page, small, 1200, 8, p, { name: 'finished' });
  await waitForJob(page, done, "j.state === 'completed'");
  // The second job crashes at a known boundary, so it is failed (and stored) before tab B opens.
  const at = { phase: 'layout', done: 5 } as const;
  const failed = await submit(page, small, 1200, 8, { ...p, seed: 2 }, { name: 'to retry', holdAt: at });
  await waitForHold(page, failed, at, 'j.stored');
  expect(await page.evaluate((i) => window.__mapstreamJobs!.crash(i), failed)).toBe(true);
  await waitForJob(page, failed, "j.state === 'failed'");

  const other = await context.newPage();
  await openApp(other);
  const view = (i: string) => other.evaluate((x) => window.__mapstreamJobs!.get(x), i) as Promise<JobView | null>;
  await expect.poll(async () => (await view(done))?.state).toBe('completed');
  await expect.poll(async () => (await view(failed))?.state).toBe('failed');

  await page.locator(`[data-job-id="${done}"]`).getByTestId('job-delete').click();
  await expect.poll(() => view(done)).toBeNull();
  await expect(other.locator(`[data-job-id="${done}"]`)).toHaveCount(0);

  await page.locator(`[data-job-id="${failed}"]`).getByTestId('job-retry').click();
  await waitForJob(page, failed, "j.state === 'completed'");
  await expect.poll(async () => (await view(failed))?.state).toBe('completed');
  // Tab B never ran it: it shows tab A's outcome, and the map it stored.
  expect((await view(failed))!.local).toBe(false);
  expect(await other.evaluate((i) => window.__mapstreamJobs!.coords(i).then((c) => c?.length), failed)).toBe(1200 * 2);
});

// A job paused in tab A is A's while A lives: tab B shows it as paused there, with no Resume. Once A
// closes or reloads (a reload is a new tab to the others), it is no open tab's: the reloaded A and B
// both offer Resume, and the tab that resumes it claims it and runs it, once.
for (const how of ['reload, resume in A', 'reload, resume in B', 'close A, resume in B'] as const) {
  test(`a paused job, its tab gone (${how}): it runs once, in the tab that resumed it`, async ({ page, context }) => {
    const n = 1500;
    const data = mixture(n, 8, 5).data;
    const p = { nEpochs: 60, seed: 3, backend: 'cpu' };
    await openApp(page);
    const at = { phase: 'layout', done: 10 } as const;
    const id = await submit(page, data, n, 8, p, { name: 'paused', holdAt: at });
    await waitForHold(page, id, at, 'j.stored');
    await pauseHeld(page, id);

    const other = await context.newPage();
    await openApp(other);
    const state = (t: Page) => t.locator(`[data-job-id="${id}"] [data-testid=job-state]`);
    await expect(state(other)).toHaveText('paused in another tab');
    await expect(other.locator(`[data-job-id="${id}"]`).getByTestId('job-resume')).toHaveCount(0);
    // Not B's to resume while A lives.
    await other.evaluate((i) => window.__mapstreamJobs!.resume(i), id);
    await expect(state(other)).toHaveText('paused in another tab');

    if (how === 'close A, resume in B') await page.close();
    else {
      await page.reload();
      await page.waitForFunction(() => !!window.__mapstreamJobs);
      await page.evaluate(() => window.__mapstreamJobs!.ready());
    }
    const tabs = how === 'close A, resume in B' ? [other] : [page, other];
    // Every open tab shows it paused and resumable: nobody runs it, so none says "in another tab".
    for (const t of tabs) await expect(state(t)).toHaveText('paused');
    const [runs, watches] = how === 'reload, resume in A' ? [page, other] : [other, page.isClosed() ? null : page];
    await runs.locator(`[data-job-id="${id}"]`).getByTestId('job-resume').click();
    const done = await waitForJob(runs, id, "j.state === 'completed'");
    expect(done.resumedFrom).toMatchObject({ phase: 'layout', done: 10 });
    if (watches) {
      await expect.poll(async () => (await watches.evaluate((i) => window.__mapstreamJobs!.get(i), id))?.state).toBe('completed');
      // It never started there.
      expect((await watches.evaluate((i) => window.__mapstreamJobs!.get(i), id))!.startSeq).toBeNull();
    }
    // The same map as an undisturbed run.
    const ref = await submit(runs, data, n, 8, p, { name: 'undisturbed' });
    await waitForJob(runs, ref, "j.state === 'completed'");
    expect(await coordsOf(runs, id)).toEqual(await coordsOf(runs, ref));
  });
}
