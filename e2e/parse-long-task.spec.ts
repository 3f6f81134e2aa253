import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { traceMainThread } from './main-thread-trace';

// Judged by CPU time, as the run's long-task check in app.spec.ts (see there): the OS can stretch a
// short task's wall time on a busy machine, not its CPU time.
const LONG_TASK_CPU_MS = 50;
const LABELS = ['cat', 'dog', 'bird', 'fish', 'frog', 'horse', 'ship', 'truck', 'plane', 'car'];
/** console.timeStamp label written in the page in the task that shows the parsed dataset. */
const SHOWN = 'mapstream:dataset-shown';

interface Shape {
  rows: number;
  dim: number;
  /** A file-name and a class column before the vector. */
  meta: boolean;
}

/**
 * An embedding export as people have them, ~50 MB: optionally a file name and a class, then the
 * vector's floats. Values come from a fixed LCG so every run parses the same bytes.
 */
async function writeEmbeddingCsv(path: string, { rows, dim, meta }: Shape): Promise<number> {
  const out = createWriteStream(path);
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const header = [...(meta ? ['file', 'label'] : []), ...Array.from({ length: dim }, (_, j) => `e${j}`)].join(',');
  out.write(`${header}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cells = meta ? [`img_${String(i).padStart(6, '0')}.jpg`, LABELS[i % LABELS.length]!] : [];
    for (let j = 0; j < dim; j++) cells.push((next() * 2 - 1).toFixed(6));
    chunk.push(cells.join(','));
    if (chunk.length === 1000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((ok) => out.once('drain', () => ok()));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));
  return (await stat(path)).size;
}

/** Marks, inside the page, the task in which the dataset line first names the parsed file. */
async function watchForDataset(page: Page, text: string): Promise<void> {
  await page.evaluate(
    ([label, want]) => {
      const el = document.querySelector('[data-testid=dataset]')!;
      const mo = new MutationObserver(() => {
        if (!el.textContent?.includes(want)) return;
        console.timeStamp(label);
        mo.disconnect();
      });
      mo.observe(el, { subtree: true, childList: true, characterData: true });
    },
    [SHOWN, text] as const,
  );
}

// The two Worker modes move the parsed rows differently (shared wasm memory, or transferred
// buffers), and the shapes stress different paths: 10,000 × 784 is the image-embedding export the
// issue measured (a 354 ms task once), 45,000 × 128 with a unique file name per row sends 45,000
// metadata strings back to the page.
const CASES: { title: string; shape: Shape; isolated: boolean }[] = [
  { title: '10,000 × 784, cross-origin isolated (shared memory)', shape: { rows: 10_000, dim: 784, meta: false }, isolated: true },
  { title: '45,000 × 128 with file names and classes, not isolated (transferred)', shape: { rows: 45_000, dim: 128, meta: true }, isolated: false },
];

for (const { title, shape, isolated } of CASES) {
  test(`a 50 MB CSV, ${title}: no main-thread task over 50 ms from choosing it to its preview and dataset`, async ({ page, consoleErrors, openURL }, testInfo) => {
    const dir = testInfo.outputPath('csv');
    await mkdir(dir, { recursive: true });
    const file = `${dir}/embeddings-50mb.csv`;
    const bytes = await writeEmbeddingCsv(file, shape);
    expect(bytes, 'the generated file is about 50 MB').toBeGreaterThan(48e6);

    // ?coi=0 keeps the service worker from isolating the page (see worker-modes.spec.ts).
    await page.goto(isolated ? './' : `${openURL}?coi=0`);
    await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
    const want = `embeddings-50mb.csv: ${shape.rows.toLocaleString('en-US')} × ${shape.dim}`;
    await watchForDataset(page, want);

    const recorder = await traceMainThread(page);
    await page.getByTestId('file-input').setInputFiles(file);
    // Waiting on the locator polls the page, but only after the parse: the marks bound the window.
    await expect(page.getByTestId('dataset')).toContainText(want, { timeout: 120_000 });
    const trace = await recorder.stop();

    await expect(page.getByTestId('preview-table').locator('tbody tr')).toHaveCount(5);
    await expect(page.getByTestId('preview-rows')).toHaveText(`rows: ${shape.rows.toLocaleString('en-US')}`);
    if (shape.meta) await expect(page.getByTestId('preview-meta')).toContainText('metadata: file, label');

    const shown = trace.marks.get(SHOWN) ?? [];
    expect(shown, 'the dataset line changed inside the trace').toHaveLength(1);
    const during = trace.tasks.filter((t) => t.ts <= shown[0]);
    // Progress and preview events are main-thread tasks: an empty list would mean the wrong thread.
    expect(during.length, 'main-thread tasks seen during the parse').toBeGreaterThan(10);
    const heaviest = during.reduce((a, t) => (t.cpuMs > a.cpuMs ? t : a));
    testInfo.annotations.push({
      type: 'main-thread',
      description: `${during.length} tasks; heaviest ${heaviest.cpuMs.toFixed(1)} ms CPU (${heaviest.wallMs.toFixed(1)} ms wall): ${heaviest.inside}`,
    });
    console.log(`${title}: ${during.length} tasks; heaviest ${heaviest.cpuMs.toFixed(1)} ms CPU (${heaviest.wallMs.toFixed(1)} ms wall): ${heaviest.inside}`);
    const long = during.filter((t) => t.cpuMs > LONG_TASK_CPU_MS).map((t) => `${t.name}: ${t.cpuMs.toFixed(1)} ms CPU, ${t.wallMs.toFixed(1)} ms wall (${t.inside})`);
    expect(long, `main-thread tasks over ${LONG_TASK_CPU_MS} ms of CPU while parsing`).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
}
