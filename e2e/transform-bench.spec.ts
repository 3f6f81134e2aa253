import { env } from 'node:process';
import { expect, test } from './fixtures';
import { mixture, openApp, presetSettings, submit, waitForJob } from './jobs-helpers';

// The transform job's speed by thread count (a measurement, not a check of the product's defaults):
//   TRANSFORM_BENCH=1 npx playwright test e2e/transform-bench.spec.ts
// (TRANSFORM_BENCH_N, _M, _D override the sizes). One fit, then the same batch added with 1, 2 and
// every core's worth of compute Workers (threads per job = cores / max concurrent jobs); one line
// per run. The placements must be the same bits whatever the thread count.
const N = Number(env.TRANSFORM_BENCH_N ?? 20_000);
const M = Number(env.TRANSFORM_BENCH_M ?? 5_000);
const D = Number(env.TRANSFORM_BENCH_D ?? 32);

test('transform threads (TRANSFORM_BENCH=1)', async ({ page }) => {
  test.skip(!env.TRANSFORM_BENCH, 'a measurement; set TRANSFORM_BENCH=1 to run it');
  test.setTimeout(1_200_000);
  const { data } = mixture(N + M, D, 5);
  await presetSettings(page, { maxConcurrentJobs: 1 });
  await openApp(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency || 2);
  const fit = await submit(page, data.slice(0, N * D), N, D, { nEpochs: 100, seed: 2, backend: 'cpu' }, { name: 'fit' });
  await waitForJob(page, fit, "j.state === 'completed'", 900_000);
  const rows = Array.from(data.slice(N * D));
  let first: number[] | null = null;
  for (const threads of [...new Set([1, 2, cores])]) {
    // Settings are read at startup: write them, then reload (the fit stays, from the store).
    await page.evaluate(
      (max) => {
        const s = JSON.parse(localStorage.getItem('mapstream.settings.v1') ?? '{}');
        localStorage.setItem('mapstream.settings.v1', JSON.stringify({ ...s, maxConcurrentJobs: max }));
      },
      Math.max(1, Math.floor(cores / threads)),
    );
    await page.reload();
    await openApp(page);
    const t0 = Date.now();
    const id = await page.evaluate(([p, v, m, d]) => window.__mapstreamJobs!.submitTransform(p, v, m, d), [fit, rows, M, D] as const);
    await waitForJob(page, id, "j.state === 'completed'", 900_000);
    const wallS = (Date.now() - t0) / 1000;
    const r = (await page.evaluate((i) => window.__mapstreamJobs!.transformResult(i), id))!;
    const t = r.timings;
    console.log(
      JSON.stringify({
        n: N,
        m: M,
        d: D,
        cores,
        threads,
        wall_s: wallS,
        transform_s: t.knn! + t.graph! + t.init! + t.layout!,
        timings: t,
        log: r.log.filter((l) => /Fitted model|compute Worker/.test(l)),
      }),
    );
    first ??= r.coords;
    expect(r.coords).toEqual(first);
  }
});
