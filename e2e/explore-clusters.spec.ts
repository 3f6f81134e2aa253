import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { waitDone } from './explore-helpers';

interface Snapshot {
  /** Legend rows as shown: name, count (parsed), swatch colour. */
  rows: { name: string; count: number; color: string }[];
  /** The clustering the page holds at the same moment. */
  labels: number[];
  final: boolean;
  status: string;
}

/**
 * Wait until the page holds a clustering other than the one seen last, then read it and the legend
 * in the same task, so both describe the same moment (Solid updates the DOM when the signal is set).
 */
function nextSnapshot(page: Page, timeout = 60_000): Promise<Snapshot> {
  return page
    .waitForFunction(
      () => {
        const w = window as unknown as { __seenClusters?: Int32Array | null };
        const labels = window.__mapstream?.clusters?.() ?? null;
        if (!labels || labels === w.__seenClusters) return null;
        w.__seenClusters = labels;
        const rows = [...document.querySelectorAll('[data-testid="legend"] li')].map((li) => ({
          name: li.querySelector('.legend-name')!.textContent!,
          count: Number(li.querySelector('.legend-count')!.textContent!.replace(/,/g, '')),
          color: getComputedStyle(li.querySelector('.swatch')!).backgroundColor,
        }));
        return { rows, labels: Array.from(labels), final: window.__mapstream!.clustersFinal ?? false, status: window.__mapstream!.status };
      },
      undefined,
      { timeout },
    )
    .then((h) => h.jsonValue() as Promise<Snapshot>);
}

/** The legend's name for a label, and how many points carry each label. */
const nameOf = (label: number) => (label < 0 ? 'noise' : `cluster ${label}`);
function countsOf(labels: number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of labels) m.set(nameOf(l), (m.get(nameOf(l)) ?? 0) + 1);
  return m;
}

function expectLegendMatches(s: Snapshot, n: number): void {
  expect(s.labels.length).toBe(n);
  expect(
    s.rows.reduce((sum, r) => sum + r.count, 0),
    `legend ${JSON.stringify(s.rows)}`,
  ).toBe(n);
  const truth = countsOf(s.labels);
  // Noise is always listed, with 0 when there is none.
  if (!truth.has('noise')) truth.set('noise', 0);
  expect(new Map(s.rows.map((r) => [r.name, r.count]))).toEqual(truth);
}

test('while clusters stream, the legend counts always equal the current clustering', async ({ page, baseURL }) => {
  // More epochs than the default so the layout streams long enough for several clusterings.
  await page.goto(`${baseURL}?src=digits&seed=42&color=cluster&epochs=1500`);
  const streaming: Snapshot[] = [];
  let last: Snapshot | null = null;
  while (!last?.final) {
    last = await nextSnapshot(page, 170_000);
    expectLegendMatches(last, 1797);
    if (!last.final) streaming.push(last);
  }
  console.log(`checked ${streaming.length} streaming clusterings and the final one`);
  // Several distinct clusterings were checked before the finished one.
  expect(streaming.length).toBeGreaterThanOrEqual(3);
  await waitDone(page);
});

/** Open a link in its own context and wait for the clustering of the finished layout. */
async function finalClustering(browser: Browser, url: string): Promise<Snapshot> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  let s: Snapshot;
  do s = await nextSnapshot(page, 170_000);
  while (!s.final);
  await waitDone(page);
  await context.close();
  return s;
}

test('two viewers of one share link get the same cluster ids and legend colours', async ({ browser, baseURL }) => {
  const link = `${baseURL}?src=digits&seed=7&nn=12&color=cluster`;
  // At once, so the two pages stream (and match previews) on different schedules.
  const [a, b] = await Promise.all([finalClustering(browser, link), finalClustering(browser, link)]);
  expect(a.labels.length).toBe(1797);
  expect(b.labels).toEqual(a.labels);
  expect(b.rows).toEqual(a.rows);
  expectLegendMatches(a, 1797);
  // The ids are the canonical ones: cluster 0 the largest, ties broken by the lowest point index.
  const first = new Map<number, number>();
  const size = new Map<number, number>();
  a.labels.forEach((l, i) => {
    if (l < 0) return;
    if (!first.has(l)) first.set(l, i);
    size.set(l, (size.get(l) ?? 0) + 1);
  });
  const ids = [...size.keys()].sort((p, q) => p - q);
  expect(ids).toEqual(ids.map((_, k) => k));
  for (let k = 1; k < ids.length; k++) {
    const [sa, sb] = [size.get(k - 1)!, size.get(k)!];
    expect(sa > sb || (sa === sb && first.get(k - 1)! < first.get(k)!), `cluster ${k - 1} before cluster ${k}`).toBe(true);
  }
});
