import { expect, test } from './fixtures';
import { job, jobs, mixture, openApp, pauseHeld, release, submit, submitTransform, waitForHold, waitForJob } from './jobs-helpers';
import { isJobWorker, workerTargets } from './worker-targets';

// Twenty jobs that end every way a job can end (completed, paused and resumed, cancelled while
// queued, running, held or just submitted, crashed, retried, transforms), then the page's dedicated
// Workers counted as Chromium lists them. Every job Worker and compute Worker a job started must be
// gone: the app keeps no Worker for a job past its run. Each action lands at a known boundary
// (holdAt) or is one whose outcome either way is checked (a pause that may come after the end).

const N = 1500;
const D = 8;
const data = mixture(N, D, 31).data;
const small = mixture(400, D, 32).data;
const batch = mixture(200, D, 33).data;
const quick = { nEpochs: 30, knnChunkSize: 300, backend: 'cpu' as const, seed: 5 };
const held = { ...quick, nEpochs: 200 };
const at = { phase: 'layout', done: 5 } as const;

test('after 20 jobs that completed, paused, resumed, crashed or were cancelled, no job Worker is left', async ({ page }) => {
  const started: string[] = [];
  page.on('worker', (w) => started.push(w.url()));
  await openApp(page);
  const targets = await workerTargets(page);
  const idle = await targets.names();
  // An app that has read no file and drawn no map holds no Worker at all.
  expect(idle).toEqual([]);
  const submitted: string[] = [];
  const add = async (p: Promise<string>) => {
    const id = await p;
    submitted.push(id);
    return id;
  };

  // --- three slot jobs held at layout epoch 5: the queue is full while they wait ---
  const [a1, a2, a3] = await Promise.all([0, 1, 2].map((i) => add(submit(page, data, N, D, held, { name: `slot ${i}`, priority: 'high', holdAt: at }))));
  for (const id of [a1!, a2!, a3!]) await waitForHold(page, id, at);
  // Chromium lists a running job's Worker and its pool: the count below sees what it must see.
  const running = await targets.names();
  expect(running.filter((n) => n === 'mapstream-job')).toHaveLength(3);
  expect(running.filter((n) => n.startsWith('mapstream-compute-')).length).toBeGreaterThanOrEqual(3);

  // Queued behind them: one is cancelled before it ever starts, one runs once a slot frees.
  const q1 = await add(submit(page, data, N, D, quick, { name: 'queued, cancelled' }));
  const q2 = await add(submit(page, data, N, D, quick, { name: 'queued, completes' }));
  expect((await job(page, q1))!.state).toBe('queued');
  await page.evaluate((id) => window.__mapstreamJobs!.cancel(id), q1);
  await expect.poll(() => job(page, q1)).toBeNull();

  // Slot 0: paused at its boundary (its Worker goes), resumed later. Slot 1 crashes. Slot 2 is
  // cancelled while computing, kept, and retried.
  await pauseHeld(page, a1!);
  expect(await page.evaluate((id) => window.__mapstreamJobs!.crash(id), a2!)).toBe(true);
  expect((await waitForJob(page, a2!, "j.state === 'failed'")).error).toContain("The job's Worker crashed");
  expect(await release(page, a3!)).toBe(true);
  await page.evaluate((id) => window.__mapstreamJobs!.cancel(id, { keep: true }), a3!);
  await waitForJob(page, a3!, "j.state === 'cancelled'");
  await waitForJob(page, q2, "j.state === 'completed'");
  await page.evaluate((id) => window.__mapstreamJobs!.resume(id), a1!);
  await page.evaluate((id) => window.__mapstreamJobs!.retry(id), a3!);

  // --- five plain fits of mixed priority at once, two small ones (one runs at once, unstored) ---
  const fits = await Promise.all(
    (['low', 'normal', 'high', 'normal', 'low'] as const).map((priority, i) => add(submit(page, data, N, D, { ...quick, seed: i }, { name: `fit ${i}`, priority }))),
  );
  const s1 = await add(submit(page, small, 400, D, quick, { name: 'small, immediate', checkpoints: false }));
  const s2 = await add(submit(page, small, 400, D, quick, { name: 'small, stored' }));
  // A pause with no boundary: it lands while the job runs, or after it ended (then it does nothing).
  const loose = fits[2]!;
  await waitForJob(page, loose, "j.state === 'running' || j.state === 'completed'");
  await page.evaluate((id) => window.__mapstreamJobs!.pause(id), loose);
  if ((await job(page, loose))!.state === 'paused') await page.evaluate((id) => window.__mapstreamJobs!.resume(id), loose);

  // --- ended before their Worker could start: cancelled, or paused and resumed, in the task that submitted them ---
  const early = await page.evaluate(
    ([v, p]) => {
      const h = window.__mapstreamJobs!;
      const c = h.submit(v, 1500, 8, p, { name: 'cancelled at once' });
      h.cancel(c);
      const r = h.submit(v, 1500, 8, p, { name: 'paused at once' });
      void h.pause(r);
      return { c, r };
    },
    [Array.from(data), quick] as const,
  );
  submitted.push(early.c, early.r);
  await waitForJob(page, early.r, "j.state === 'paused' || j.state === 'running' || j.state === 'completed'");
  if ((await job(page, early.r))!.state === 'paused') await page.evaluate((id) => window.__mapstreamJobs!.resume(id), early.r);

  // --- held runs cancelled (one deleted, one kept as cancelled); a run paused during kNN and resumed ---
  const r1 = await add(submit(page, data, N, D, held, { name: 'held, deleted', holdAt: at }));
  const r3 = await add(submit(page, data, N, D, held, { name: 'held, kept cancelled', holdAt: at }));
  const inKnn = { phase: 'knn', done: 300 } as const;
  const r2 = await add(submit(page, data, N, D, quick, { name: 'paused in kNN', holdAt: inKnn }));
  await waitForHold(page, r1, at);
  await page.evaluate((id) => window.__mapstreamJobs!.cancel(id), r1);
  await waitForHold(page, r3, at);
  await page.evaluate((id) => window.__mapstreamJobs!.cancel(id, { keep: true }), r3);
  await waitForHold(page, r2, inKnn);
  await pauseHeld(page, r2);
  await page.evaluate((id) => window.__mapstreamJobs!.resume(id), r2);

  // --- transforms into the first fit: one completes, one is paused and resumed, one is cancelled ---
  const parent = fits[0]!;
  await waitForJob(page, parent, "j.state === 'completed'");
  const t1 = await add(submitTransform(page, parent, batch, 200, D, { name: 'added' }));
  const t2 = await add(submitTransform(page, parent, batch, 200, D, { name: 'added, paused', holdAt: at }));
  const t3 = await add(submitTransform(page, parent, batch, 200, D, { name: 'added, cancelled', holdAt: at }));
  await waitForHold(page, t2, at);
  await pauseHeld(page, t2);
  await page.evaluate((id) => window.__mapstreamJobs!.resume(id), t2);
  await waitForHold(page, t3, at);
  await page.evaluate((id) => window.__mapstreamJobs!.cancel(id), t3);

  expect(submitted).toHaveLength(20);
  const gone = [q1, early.c, r1, t3];
  for (const id of submitted) {
    if (gone.includes(id)) await expect.poll(() => job(page, id)).toBeNull();
    else await waitForJob(page, id, id === a2 ? "j.state === 'failed'" : id === r3 ? "j.state === 'cancelled'" : "j.state === 'completed'", 170_000);
  }
  expect((await jobs(page)).filter((j) => j.state === 'queued' || j.state === 'running' || j.state === 'paused')).toEqual([]);
  for (const id of [t1, s1, s2]) expect((await job(page, id))!.state).toBe('completed');
  test.info().annotations.push({ type: 'Workers started', description: String(started.length) });

  // Every job has ended: the page has terminated every job Worker it started (a leak in the app
  // fails here), and then they and their pools drop to none, as Chromium sees it (a browser that is
  // slow to let them go fails after this).
  await expect.poll(() => page.evaluate(() => window.__mapstreamJobs!.jobWorkersAlive()), { message: 'job Workers the page has not terminated' }).toBe(0);
  await expect.poll(async () => (await targets.names()).filter(isJobWorker), { timeout: 60_000, message: 'job Workers Chromium still lists, all terminated by the page' }).toEqual([]);
  // What is left is what an idle app keeps (nothing here: no file was read and no map drawn).
  expect(await targets.names()).toEqual(idle);
  await targets.close();
});
