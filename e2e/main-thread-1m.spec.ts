import { mkdir } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { jobs } from './jobs-helpers';
import { writeClusters } from './clusters-npy';
import { traceMainThread } from './main-thread-trace';

// The page's main thread while a million-point job runs (issue #14: no task over 50 ms): traced in
// windows at the kNN, across the graph and init into the layout, in the layout (its previews redraw
// the 1M-point map) and over the end (the final map and its storing). Judged by CPU time, as
// app.spec.ts's run check is. About 12 minutes of both cores, so it runs only when asked:
// MAIN_THREAD_1M=1 npx playwright test e2e/main-thread-1m.spec.ts

test.skip(!process.env.MAIN_THREAD_1M, 'set MAIN_THREAD_1M=1 to run the 1M main-thread check');

const N = Number(process.env.MAIN_THREAD_1M_N ?? 1_000_000);
const D = 128;
const LONG_TASK_CPU_MS = 50;

/** Waits until the one job's state passes `pred` (an expression over `j`, the JobView); a failed job ends the test. */
async function until(page: Page, pred: string): Promise<void> {
  const state = await page.waitForFunction(
    (p) => {
      const j = window.__mapstreamJobs!.list()[0];
      return j?.state === 'failed' ? `failed: ${j.error}` : (new Function('j', `return ${p}`) as (j: unknown) => boolean)(j) && 'ok';
    },
    pred,
    { polling: 500, timeout: 30 * 60_000 },
  );
  expect(await state.jsonValue()).toBe('ok');
}

interface Window {
  name: string;
  tasks: number;
  heaviest: string;
  long: string[];
}

/** Traces the main thread from `from` to `to` (conditions on the job), and sums up its tasks. */
async function traced(page: Page, name: string, from: string, to: string): Promise<Window> {
  await until(page, from);
  const recorder = await traceMainThread(page);
  await until(page, to);
  const { tasks } = await recorder.stop();
  const heaviest = tasks.reduce((a, t) => (t.cpuMs > a.cpuMs ? t : a), tasks[0]!);
  const show = (t: typeof heaviest) => `${t.cpuMs.toFixed(1)} ms CPU (${t.wallMs.toFixed(1)} ms wall${t.inside ? `: ${t.inside}` : ''})`;
  return { name, tasks: tasks.length, heaviest: show(heaviest), long: tasks.filter((t) => t.cpuMs > LONG_TASK_CPU_MS).map(show) };
}

test(`the main thread stays free during a ${N.toLocaleString('en-US')} × ${D} job`, async ({ page }, testInfo) => {
  test.setTimeout(45 * 60_000);
  const dir = testInfo.outputPath('data');
  await mkdir(dir, { recursive: true });
  const file = `${dir}/clusters-${N}x${D}.npy`;
  await writeClusters(file, N, D);
  await page.goto('./');
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('dataset')).toContainText(`${N.toLocaleString('en-US')} × ${D}`, { timeout: 10 * 60_000 });
  await page.getByTestId('run').click();
  await expect.poll(async () => (await jobs(page)).length, { timeout: 60_000 }).toBe(1);
  const p = (phase: string, cond: string) => `!!j && j.progress?.phase === '${phase}' && ${cond}`;
  const windows = [
    await traced(page, 'kNN', p('knn', 'j.progress.done >= 0.1 * j.progress.total'), p('knn', 'j.progress.done >= 0.2 * j.progress.total')),
    await traced(page, 'kNN end, graph, init, layout start', p('knn', 'j.progress.done >= 0.97 * j.progress.total'), p('layout', 'j.progress.done >= 1')),
    await traced(page, 'layout', p('layout', 'j.progress.done >= 3'), p('layout', 'j.progress.done >= 23')),
    // To the interactive map drawn (its camera set) and its clusters found: the hand-over from the
    // preview to WebGL, the spatial index and the cluster colours all fall inside.
    await traced(
      page,
      'layout end, the final map',
      p('layout', 'j.progress.done >= j.progress.total - 5'),
      "!!j && j.state === 'completed' && window.__mapstream.view() !== null && window.__mapstream.clustersFinal",
    ),
  ];
  const line = windows.map((w) => `${w.name}: ${w.tasks} tasks, heaviest ${w.heaviest}${w.long.length ? `; over ${LONG_TASK_CPU_MS} ms: ${w.long.length}` : ''}`).join('\n');
  console.log(line);
  testInfo.annotations.push({ type: 'main-thread-1m', description: line });
  for (const w of windows) expect(w.long, `main-thread tasks over ${LONG_TASK_CPU_MS} ms of CPU (${w.name})`).toEqual([]);
});
