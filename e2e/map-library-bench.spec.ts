// How long a large map takes to open: from a map file (JSON text, parsed) and from the library
// (typed arrays, one IndexedDB read). Run with LIBRARY_BENCH=1; it prints one JSON line per size.
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { defaultMinClusterSize } from '../src/cluster/hdbscan';
import { toMapFileParts, type MapFile } from '../src/export/map-file';
import { expect, test } from './fixtures';

test.skip(!process.env.LIBRARY_BENCH, 'set LIBRARY_BENCH=1 to measure');
test.setTimeout(600_000);

function bigMap(n: number): MapFile {
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return {
    nComponents: 2,
    coords: Float32Array.from({ length: n * 2 }, () => rnd() * 20 - 10),
    labels: Array.from({ length: n }, (_, i) => `class ${i % 10}`),
    labelName: 'label',
    clusters: Int32Array.from({ length: n }, (_, i) => (i % 13) - 1),
    // The size the app would use, so opening shows the saved clusters instead of clustering again.
    minClusterSize: defaultMinClusterSize(n),
    params: { nNeighbors: '15', minDist: '0.1', metric: 'euclidean' },
    meta: [
      { name: 'file', values: Array.from({ length: n }, (_, i) => `photos/2024/IMG_${String(i).padStart(6, '0')}.jpg`) },
      { name: 'score', values: Float64Array.from({ length: n }, () => rnd()) },
    ],
    name: `big-${n}.npy`,
  };
}

/**
 * Milliseconds, measured in the page, from the user's action (a file chosen, a button pressed) until
 * the app says the map is shown, and until the interactive map can place a point.
 */
async function timeOpen(page: Page, start: () => Promise<void>): Promise<{ shown_ms: number; interactive_ms: number }> {
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await page.evaluate(() => {
    const w = window as unknown as { __t: { start: number; shown: number; interactive: number } };
    w.__t = { start: 0, shown: 0, interactive: 0 };
    const begin = () => {
      if (w.__t.start) return;
      w.__t.start = performance.now();
      const tick = () => {
        const now = performance.now();
        if (!w.__t.shown && window.__mapstream?.status === 'done') w.__t.shown = now;
        if (w.__t.shown && window.__mapstream?.screenPosition?.(0) != null) w.__t.interactive = now;
        else requestAnimationFrame(tick);
      };
      tick();
    };
    document.addEventListener('change', begin, true);
    document.addEventListener('click', begin, true);
  });
  await start();
  await page.waitForFunction(() => (window as unknown as { __t: { interactive: number } }).__t.interactive > 0, undefined, { timeout: 120_000 });
  return page.evaluate(() => {
    const t = (window as unknown as { __t: { start: number; shown: number; interactive: number } }).__t;
    return { shown_ms: Math.round(t.shown - t.start), interactive_ms: Math.round(t.interactive - t.start) };
  });
}

for (const n of [100_000, 200_000]) {
  test(`open a ${n}-point map: map file vs library`, async ({ page }, info) => {
    const path = info.outputPath(`big-${n}.map.json`);
    writeFileSync(path, toMapFileParts(bigMap(n)).join(''));
    await page.goto('./');
    const fromFile = await timeOpen(page, () => page.getByTestId('file-input').setInputFiles(path));
    await expect(page.getByTestId('library-entry')).toHaveCount(1, { timeout: 60_000 });
    const bytes = await page.getByTestId('library-facts').textContent();
    await page.reload();
    // The page's start-up (service worker, Workers) is over before the click is timed.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const fromLibrary = await timeOpen(page, () => page.getByTestId('library-open').click());
    console.log(JSON.stringify({ n, map_file: fromFile, library: fromLibrary, entry: bytes }));
  });
}
