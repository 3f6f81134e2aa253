import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { traceMainThread } from './main-thread-trace';

// A file path next to this spec, without node:url (the tsconfig has no Node types).
const localPath = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);

const demo = (name: string) => localPath(`../public/demo/digits/${name}`);
const DIGITS_NPY = demo('digits.npy');
const DIGITS_LABELS = demo('digits.labels.npy');
const DIGITS_CSV = demo('digits.csv');

declare global {
  interface Window {
    __ended?: Promise<string>;
  }
}

/** console.timeStamp label written, in the page, in the task where the status leaves 'running'. */
const RUN_ENDED = 'mapstream:run-ended';

/**
 * Mark, inside the page, when the status leaves 'running': the DOM updates in the same task and a
 * MutationObserver callback runs as a microtask of it, so the mark lands in the trace inside that
 * task, and the test does not poll the page (its own evaluations would be main-thread tasks inside
 * the measured window).
 */
async function watchForEnd(page: Page): Promise<void> {
  await page.evaluate((label) => {
    window.__ended = new Promise<string>((resolve) => {
      const mo = new MutationObserver(() => {
        const s = window.__mapstream?.status;
        if (s === 'done' || s === 'error') {
          console.timeStamp(label);
          mo.disconnect();
          resolve(s);
        }
      });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }, RUN_ENDED);
}

async function waitForStatus(page: Page, status: 'done' | 'error', timeout = 150_000): Promise<void> {
  await page.waitForFunction((s) => window.__mapstream?.status === s || window.__mapstream?.status === 'error', status, { timeout });
  const actual = await page.evaluate(() => ({ status: window.__mapstream?.status, error: window.__mapstream?.lastError }));
  expect(actual, `app ended in status ${actual.status}: ${actual.error}`).toEqual({ status, error: status === 'done' ? null : actual.error });
}

async function runAndCoords(page: Page): Promise<number[]> {
  await page.getByTestId('run').click();
  await waitForStatus(page, 'done');
  return page.evaluate(() => Array.from(window.__mapstream!.coords()!));
}

// "No long task" is judged by CPU time, not wall time: on a small shared machine the OS scheduler
// can stretch a 3 ms task past 50 ms of wall clock, but not past 50 ms of the thread's own CPU time.
// Work done on the main thread (a regression this test is for) costs its CPU time on any machine.
const LONG_TASK_CPU_MS = 50;

test.describe('main thread during a run', () => {
  test('digits .npy + labels via the file input: runs to done with 1,797 points and no long tasks', async ({ page, consoleErrors }) => {
    await page.goto('./');
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
    await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
    await expect(page.getByTestId('dataset')).toContainText('1,797 × 64, 10 label values');

    await watchForEnd(page);
    const recorder = await traceMainThread(page);
    await page.getByTestId('run').click();
    expect(await page.evaluate(() => window.__ended)).toBe('done');
    const trace = await recorder.stop();
    await waitForStatus(page, 'done');
    const ended = trace.marks.get(RUN_ENDED) ?? [];
    expect(ended, 'the end of the run is in the trace').toHaveLength(1);

    const hook = await page.evaluate(() => ({ points: window.__mapstream!.points, coords: window.__mapstream!.coords()?.length ?? 0 }));
    expect(hook).toEqual({ points: 1797, coords: 1797 * 2 });
    const finite = await page.evaluate(() => Array.from(window.__mapstream!.coords()!).every(Number.isFinite));
    expect(finite).toBe(true);
    await expect(page.locator('canvas[data-testid=map]')).toBeVisible();
    await expect(page.getByTestId('legend').locator('li')).toHaveCount(10);
    for (const phase of ['knn', 'graph', 'init', 'layout']) await expect(page.locator(`[data-testid=progress] [data-phase=${phase}]`)).toHaveClass(/complete/);
    await expect(page.getByTestId('progress')).toContainText('500 / 500 epochs');

    // From the click (the trace starts before it) to the task that ends the run, that one included.
    const during = trace.tasks.filter((t) => t.ts <= ended[0]);
    // The run's progress updates and the final render are main-thread tasks: an empty list would mean
    // the wrong thread was read.
    expect(during.length, 'main-thread tasks seen during the run').toBeGreaterThan(10);
    const heaviest = during.reduce((a, t) => (t.cpuMs > a.cpuMs ? t : a));
    test.info().annotations.push({
      type: 'main-thread',
      description: `${during.length} tasks; heaviest ${heaviest.cpuMs.toFixed(1)} ms CPU (${heaviest.wallMs.toFixed(1)} ms wall)`,
    });
    const long = during.filter((t) => t.cpuMs > LONG_TASK_CPU_MS).map((t) => `${t.name}: ${t.cpuMs.toFixed(1)} ms CPU, ${t.wallMs.toFixed(1)} ms wall`);
    expect(long, `main-thread tasks over ${LONG_TASK_CPU_MS} ms of CPU during the run`).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

test('same seed twice gives identical coordinates', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_LABELS, DIGITS_NPY]);
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
  await page.getByTestId('param-n_epochs').fill('60');
  const first = await runAndCoords(page);
  const second = await runAndCoords(page);
  expect(first.length).toBe(1797 * 2);
  expect(second).toEqual(first);

  // A different seed is a different layout, so the comparison above is not vacuous.
  await page.getByTestId('param-seed').fill('7');
  const other = await runAndCoords(page);
  expect(other).not.toEqual(first);
});

test('the digits demo button loads bundled data relative to the page and runs', async ({ page, appServer }) => {
  await page.goto('./');
  await page.getByTestId('param-n_epochs').fill('30');
  await page.getByTestId('demo-digits').click();
  await waitForStatus(page, 'done');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
  const demoRequests = appServer.requests.filter((r) => (r.url ?? '').includes('/demo/digits/'));
  expect(demoRequests.length).toBeGreaterThan(0);
  for (const r of demoRequests) expect((r.url ?? '').startsWith('/mapstream/demo/digits/')).toBe(true);
});

test("Run pressed while the demo's own run is on its way follows that job instead of computing the same map twice", async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('file-input')).toBeAttached();
  // The demo's run waits after its first kNN chunk, so it is surely still on its way when Run is pressed.
  await page.evaluate(() => window.__mapstreamJobs!.holdNextRun({ phase: 'knn', done: 1000 }));
  await page.getByTestId('demo-digits').click();
  await page.waitForFunction(() => window.__mapstreamJobs!.list().some((j) => j.progress?.phase === 'knn' && j.progress.done === 1000));
  const [first] = await page.evaluate(() => window.__mapstreamJobs!.list().map((j) => j.id));
  await page.getByTestId('run').click();
  await expect(page.getByTestId('map-progress')).toBeVisible();
  expect(await page.evaluate(() => window.__mapstreamJobs!.list().map((j) => j.id))).toEqual([first]);
  expect(await page.evaluate((id) => window.__mapstreamJobs!.release(id), first!)).toBe(true);
  await waitForStatus(page, 'done');
  expect(await page.evaluate(() => window.__mapstreamJobs!.list().map((j) => j.id))).toEqual([first]);
});

test('digits.csv gives a map with its label column in the legend', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(DIGITS_CSV);
  await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64, 10 label values');
  await page.getByTestId('param-n_epochs').fill('30');
  await page.getByTestId('run').click();
  await waitForStatus(page, 'done');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
  await expect(page.getByTestId('legend')).toContainText('label');
});

test('a labels .npy added after the vectors colours the map', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(DIGITS_NPY);
  await expect(page.getByTestId('dataset')).toHaveText('digits.npy: 1,797 × 64');
  await page.getByTestId('labels-input').setInputFiles(DIGITS_LABELS);
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64, 10 label values');
});

test('files dropped onto the page are loaded', async ({ page }) => {
  await page.goto('./');
  // The page renders after its test hooks' chunk loads, which can be after the load event: the drop
  // listeners exist once the file chooser does (they are added as it mounts).
  await expect(page.getByTestId('file-input')).toBeAttached();
  await page.evaluate(() => {
    const rows = ['a,b,c,label'];
    for (let i = 0; i < 40; i++) rows.push(`${Math.cos(i)},${Math.sin(i)},${i % 7},${i % 2 ? 'odd' : 'even'}`);
    const dt = new DataTransfer();
    dt.items.add(new File([rows.join('\n')], 'dropped.csv', { type: 'text/csv' }));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('dataset')).toContainText('dropped.csv: 40 × 3, 2 label values');
});

test('cancel stops a run, and the next run completes', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
  await page.getByTestId('run').click();
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('running');
  await page.getByTestId('cancel').click();
  expect(await page.evaluate(() => [window.__mapstream!.status, window.__mapstream!.lastError])).toEqual(['idle', null]);
  await page.getByTestId('param-n_epochs').fill('20');
  await runAndCoords(page);
});

test('n_components = 3 maps the first two components of a 3-D layout', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
  await page.getByTestId('param-n_components').selectOption('3');
  await page.getByTestId('param-n_epochs').fill('20');
  const coords = await runAndCoords(page);
  expect(coords.length).toBe(1797 * 3);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
});

test('without cross-origin isolation the app still maps (workers get copies)', async ({ page, openURL }) => {
  // ?coi=0: the service worker would otherwise reload the page into isolation.
  await page.goto(`${openURL}?coi=0`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.getByTestId('worker-mode')).toContainText('own copy');
  await page.getByTestId('param-n_epochs').fill('20');
  await page.getByTestId('demo-digits').click();
  await waitForStatus(page, 'done');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
});
