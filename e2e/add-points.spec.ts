// "Add points…" through the UI (issue 12, Build item 3): fit the first 1,500 digits from a .npy file,
// then add the other 297 from a CSV through the same preview step. The transform job pauses and
// resumes from the Jobs panel; the new points land on the map without moving it, with clusters, can
// be coloured by batch and are exported with their batch; the library entry is updated in place, so
// after a reload the map opens with them. Files of the wrong dimension, or with no rows, are refused
// in the preview with the transform's own messages.
import type { Page } from '@playwright/test';
import { loadDigits } from '../test/fixtures/digits';
import { downloadText, parseCsv, screenPositions, waitDone, waitInteractive } from './explore-helpers';
import { encodeNpy } from '../bench/npy-writer';
import { expect, test } from './fixtures';
import { job, release, waitForHold, waitForJob } from './jobs-helpers';

const FIT_N = 1500;
const digits = loadDigits();
const D = digits.d;
const M = digits.n - FIT_N;

/** The new rows as a CSV with a header, the 64 pixel columns then the label. */
function newRowsCsv(): Buffer {
  const cols = Array.from({ length: D }, (_, j) => `p${j}`);
  const lines = [[...cols, 'label'].join(',')];
  for (let i = FIT_N; i < digits.n; i++) lines.push([...digits.data.subarray(i * D, (i + 1) * D), digits.labels[i]].join(','));
  return Buffer.from(`${lines.join('\n')}\n`);
}

function csvOf(rows: number[][], header: string[]): Buffer {
  return Buffer.from(`${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
}

async function fitFirst(page: Page): Promise<void> {
  const fitRows = digits.data.slice(0, FIT_N * D);
  const fitLabels = Uint8Array.from(digits.labels.subarray(0, FIT_N));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'digits-1500.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(fitRows, [FIT_N, D])) },
    { name: 'digits-1500.labels.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(fitLabels, [FIT_N])) },
  ]);
  await expect(page.getByTestId('dataset')).toContainText('1,500 × 64');
  await page.getByTestId('param-n_epochs').fill('200');
  await page.getByTestId('run').click();
  await waitDone(page);
  await waitInteractive(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
}

test('Add points… places the other 297 digits on the 1,500-digit map through the preview and a transform job', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('./');
  const button = page.getByTestId('add-points');
  await expect(button).toBeDisabled();
  await fitFirst(page);
  const before = await screenPositions(page, FIT_N);
  const clustersBefore = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));

  // The fit kept its model: the button works from the keyboard, and opens the add step.
  await expect(button).toBeEnabled();
  await expect(button).toHaveAccessibleName('Add points…');
  await button.focus();
  await page.keyboard.press('Enter');
  const step = page.getByTestId('add-points-step');
  await expect(step).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const file = step.getByTestId('add-points-file');
  const refusal = step.getByTestId('preview-refusal');
  const confirm = step.getByTestId('add-points-confirm');

  // Refused in the preview: a file of another dimension, then one without rows.
  const wrong = Array.from({ length: 3 }, (_, i) => Array.from({ length: 50 }, (_, j) => i + j));
  await file.setInputFiles({
    name: 'fifty.csv',
    mimeType: 'text/csv',
    buffer: csvOf(
      wrong,
      Array.from({ length: 50 }, (_, j) => `c${j}`),
    ),
  });
  await expect(refusal).toHaveText('The new points have 50 dimensions; the map was fitted on 64.');
  await expect(confirm).toBeDisabled();
  await file.setInputFiles({ name: 'nothing.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await expect(refusal).toContainText('The file has no rows to add.');
  await expect(confirm).toBeDisabled();
  await expect(page.getByTestId('error')).toHaveCount(0);

  // The 297 new digits, as a CSV with their labels.
  await file.setInputFiles({ name: 'digits-297.csv', mimeType: 'text/csv', buffer: newRowsCsv() });
  await expect(step.getByTestId('preview-rows')).toHaveText('rows: 297');
  await expect(refusal).toHaveCount(0);
  await expect(confirm).toBeEnabled();
  await expect(confirm).toHaveText('Add 297 points');
  // The transform waits in its layout until released, so the pause below cannot race its end.
  const hold = { phase: 'layout', done: 5 } as const;
  await page.evaluate((at) => window.__mapstreamJobs!.holdNextTransform(at), hold);
  await confirm.click();
  await expect(step).toHaveCount(0);
  await expect(page.getByTestId('add-points-progress')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__mapstreamJobs!.list().find((j) => j.kind === 'transform')?.id ?? null)).not.toBeNull();
  const id = await page.evaluate(() => window.__mapstreamJobs!.list().find((j) => j.kind === 'transform')!.id);
  await waitForHold(page, id, hold);
  // Its own live region told the phases that ended: the start positions last, with whichever earlier
  // phases (kNN, the graph) ended within the same screen update.
  await expect(page.getByTestId('add-points-announcer')).toHaveText(/^Adding points: (kNN and )?(graph and )?init done, placing the points on the map…$/);
  const row = page.locator(`[data-job-id="${id}"]`);
  await expect(row.locator('.job-name')).toHaveText(`Add ${M} points to digits-1500.npy`);
  // The map shows the job's progress, from the same bars as a fit's.
  await expect(page.getByRole('progressbar', { name: 'Adding points: layout progress' })).toBeVisible();

  // Pause from the Jobs panel (the stop reaches the Worker before the release), then resume.
  await row.getByTestId('job-pause').click();
  await release(page, id);
  await waitForJob(page, id, "j.state === 'paused'");
  expect((await job(page, id))!.progress).toMatchObject(hold);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.points)).toBe(FIT_N);
  await row.getByTestId('job-resume').click();

  // It lands: 297 new points, most of them in clusters, the fitted ones where they were.
  await expect.poll(() => page.evaluate(() => window.__mapstream!.points), { timeout: 120_000 }).toBe(digits.n);
  const notice = page.getByRole('status').filter({ hasText: 'Added 297 points' });
  await expect(notice).toBeVisible();
  await expect(page.getByTestId('add-points-announcer')).toHaveText(/^297 points from .+ are on the map; [\d,]+ joined a cluster\.$/);
  await expect(page.getByTestId('add-points-progress')).toHaveCount(0);
  await waitInteractive(page);
  await expect.poll(() => page.evaluate((i) => window.__mapstream!.screenPosition!(i), digits.n - 1)).not.toBeNull();
  const after = await screenPositions(page, digits.n);
  for (let i = 0; i < FIT_N; i++) {
    expect(after[i]![0]).toBeCloseTo(before[i]![0], 3);
    expect(after[i]![1]).toBeCloseTo(before[i]![1], 3);
  }
  const clustersAfter = await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!));
  expect(clustersAfter.slice(0, FIT_N)).toEqual(clustersBefore);
  const added = clustersAfter.slice(FIT_N);
  expect(added).toHaveLength(M);
  expect(added.filter((c) => c >= 0).length).toBeGreaterThan(0.8 * M);
  // A small batch near the map needs no refit.
  await expect(page.getByTestId('add-points-advice')).toHaveCount(0);

  // Colour by batch.
  await page.getByTestId('color-by').selectOption('batch');
  const legend = page.getByTestId('legend');
  await expect(legend.locator('li').nth(0)).toContainText('fitted map');
  await expect(legend.locator('li').nth(0)).toContainText('1,500');
  await expect(legend.locator('li').nth(1)).toContainText('digits-297.csv');
  await expect(legend.locator('li').nth(1)).toContainText('297');

  // The CSV export says which batch each point is in.
  const csv = parseCsv((await downloadText(page, () => page.getByTestId('export-csv').click())).bytes.toString('utf8'));
  const batchCol = csv[0]!.indexOf('batch');
  expect(batchCol).toBeGreaterThan(0);
  const batches = csv.slice(1).map((r) => r[batchCol]);
  expect(batches).toHaveLength(digits.n);
  expect(batches.filter((b) => b === '0')).toHaveLength(FIT_N);
  expect(batches.slice(FIT_N).every((b) => b === '1')).toBe(true);

  // The library entry was updated in place: one map, which after a reload opens with its added points.
  await expect(page.getByTestId('library-entry')).toHaveCount(1);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.batches!()?.length ?? 0)).toBe(digits.n);
  const stored = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__mapstream?.status)).toBe('idle');
  await expect(page.getByTestId('library-entry')).toHaveCount(1);
  await page.getByTestId('library-open').click();
  await expect.poll(() => page.evaluate(() => window.__mapstream!.points)).toBe(digits.n);
  expect(await page.evaluate(() => window.__mapstream!.batches!()!.filter((b) => b === 1).length)).toBe(M);
  expect(await page.evaluate(() => Array.from(window.__mapstream!.coords()!))).toEqual(stored);
  expect((await page.evaluate(() => Array.from(window.__mapstream!.clusters!()!))).slice(FIT_N)).toEqual(added);
  // Its fit's model is still kept, so more points can be added.
  await expect(page.getByTestId('add-points')).toBeEnabled();
});

/** A fresh page's 100-epoch fit of the first 400 digits, to its final clusters; returns its row count. */
async function fitFirst400(page: Page): Promise<number> {
  await page.goto('./');
  const n = 400;
  await page.getByTestId('file-input').setInputFiles({ name: 'digits-400.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(digits.data.slice(0, n * D), [n, D])) });
  await page.getByTestId('param-n_epochs').fill('100');
  await page.getByTestId('run').click();
  await waitDone(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.clustersFinal)).toBe(true);
  return n;
}

test('a fit under 1,000 points keeps its model too; a map with no fit behind it says why it cannot take points', async ({ page }) => {
  test.setTimeout(180_000);
  const n = await fitFirst400(page);
  await expect(page.getByTestId('add-points')).toBeEnabled();

  // The same map as a map file: opened, it has no fit and no model behind it.
  const mapFile = await downloadText(page, () => page.getByTestId('export-map').click());
  await page.getByTestId('file-input').setInputFiles({ name: 'other.map.json', mimeType: 'application/json', buffer: mapFile.bytes });
  await expect.poll(() => page.evaluate(() => window.__mapstream!.points)).toBe(n);
  const button = page.getByTestId('add-points');
  await expect(button).toBeDisabled();
  await expect(button).toHaveAccessibleDescription(/keeps no fitted model/);
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('add-points-step')).toHaveCount(0);
});

test('a batch large against its map is flagged, and "Refit with all points" fits every row from the current positions', async ({ page }) => {
  test.setTimeout(240_000);
  const n = await fitFirst400(page);
  const fitted = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));

  // 297 new points are 74 % of a 400-point map: the notice says so and offers the refit.
  await page.getByTestId('add-points').click();
  const step = page.getByTestId('add-points-step');
  await step.getByTestId('add-points-file').setInputFiles({ name: 'digits-297.csv', mimeType: 'text/csv', buffer: newRowsCsv() });
  await expect(step.getByTestId('add-points-confirm')).toBeEnabled();
  await step.getByTestId('add-points-confirm').click();
  const notice = page.getByTestId('add-points-notice');
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice.getByTestId('add-points-advice').first()).toContainText('%');
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(n + M);

  await notice.getByTestId('refit-with-all').click();
  // A new fit of all 697 rows, started from where the points are, ends on the map.
  await expect
    .poll(() => page.evaluate(() => window.__mapstreamJobs!.list().filter((j) => (j.kind ?? 'fit') === 'fit' && j.n === 697 && j.state === 'completed').length), { timeout: 120_000 })
    .toBe(1);
  await waitDone(page);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.points)).toBe(n + M);
  await expect(page.getByTestId('warm-note')).toContainText('Started from the current map');
  // The familiar map stays mostly in place: the fitted points moved little against the map's size.
  const after = await page.evaluate(() => Array.from(window.__mapstream!.coords()!));
  const span = Math.max(...fitted) - Math.min(...fitted);
  let moved = 0;
  for (let i = 0; i < n; i++) moved += Math.hypot(after[2 * i]! - fitted[2 * i]!, after[2 * i + 1]! - fitted[2 * i + 1]!);
  expect(moved / n / span).toBeLessThan(0.2);
});
