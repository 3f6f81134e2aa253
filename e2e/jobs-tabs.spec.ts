import { expect, test } from './fixtures';
import { mixture, openApp, submit, waitForHold } from './jobs-helpers';
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
