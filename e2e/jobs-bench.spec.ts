import { test } from './fixtures';
import { mixture, openApp, submit, waitForJob } from './jobs-helpers';

// Checkpoint overhead: the same job with and without IndexedDB persistence (dataset + checkpoints),
// alternated to spread machine noise over both; the headline is the median of the paired
// differences. A measurement, not a test: run it on purpose with
//   JOBS_BENCH=1 npx playwright test e2e/jobs-bench.spec.ts
// (JOBS_BENCH_N, JOBS_BENCH_D, JOBS_BENCH_PAIRS override the size). It prints one line per run.

const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const N = Number(env.JOBS_BENCH_N ?? 10_000);
const D = Number(env.JOBS_BENCH_D ?? 64);
const PAIRS = Number(env.JOBS_BENCH_PAIRS ?? 3);

test('checkpoint overhead (JOBS_BENCH=1)', async ({ page }) => {
  test.skip(!env.JOBS_BENCH, 'a measurement; set JOBS_BENCH=1 to run it');
  test.setTimeout(1_800_000);
  await openApp(page);
  const { data } = mixture(N, D, 77);
  const params = { nEpochs: 200, seed: 1, backend: 'cpu' };
  const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
  const diffs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    for (const mode of i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
      // A fresh content key each run, so "with" always pays for storing the dataset too.
      const copy = data.slice();
      copy[0]! += (i + 1) * 1e-3 * (mode === 'with' ? 1 : -1);
      const id = await submit(page, copy, N, D, params, { name: `${mode} ${i}`, checkpoints: mode === 'with' });
      const j = await waitForJob(page, id, "j.state === 'completed'", 1_500_000);
      const log = (await page.evaluate((x) => window.__mapstreamJobs!.log(x), id)) ?? [];
      const cpLine = log.find((l) => l.startsWith('Checkpoints:')) ?? '';
      const t = (await page.evaluate((x) => window.__mapstreamJobs!.timings(x), id))!;
      const phases = Object.entries(t)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ');
      times[mode].push(j.elapsedS);
      console.log(`${mode} checkpoints: ${j.elapsedS.toFixed(2)} s wall [${phases}] ${cpLine ? `(${cpLine})` : ''}`);
      await page.evaluate((x) => window.__mapstreamJobs!.remove(x), id);
    }
    // Back-to-back runs share the machine's state, so their difference is the steadier measure.
    diffs.push(times.with[i]! - times.without[i]!);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const w = med(times.with);
  const wo = med(times.without);
  const pct = (x: number) => `${((x / wo) * 100).toFixed(1)}%`;
  console.log(
    `n=${N} d=${D}: median with ${w.toFixed(2)} s, without ${wo.toFixed(2)} s (${pct(w - wo)}); ` + `median of paired differences ${med(diffs).toFixed(3)} s = overhead ${pct(med(diffs))}`,
  );
});
