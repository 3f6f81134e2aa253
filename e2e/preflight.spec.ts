import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { waitDone } from './explore-helpers';

/** axe over the whole page: no serious or critical violation. */
async function expectAxeClean(page: Page, state: string): Promise<void> {
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${state}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

// 20,000 × 1,024 float32 generated on the page (rows not yet in shared memory, so the job would copy
// them): the preflight's model puts the fit near 0.28 GB, over a simulated 0.25 GB device; a PCA to 8
// dimensions brings it near 0.13 GB. Few points and epochs, so the reduced run ends soon on a loaded machine.
const LINK = '?src=blobs&n=20000&d=1024&k=10&epochs=10';

test('a small deviceMemory: the job is refused with the numbers and options, not started; PCA to 8 dimensions then runs it to a map', async ({ browser }) => {
  // Generating, reducing and mapping 20k × 1,024 rows takes minutes on a loaded 2-core machine.
  test.setTimeout(360_000);
  const context = await browser.newContext();
  // The test simulates the device: the browser reports 0.25 GB (Chromium's smallest deviceMemory).
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  const page = await context.newPage();
  await page.goto(`./${LINK}`);
  // Generating 11.5M values takes a while on a loaded machine.
  await expect(page.getByTestId('dataset')).toContainText('blobs-20000x1024: 20,000 × 1,024', { timeout: 120_000 });

  // The link's own Run (the demo and links submit without the button) was refused before any job started.
  const refusal = page.getByTestId('preflight-refusal');
  await expect(refusal).toContainText(/This job needs ≈ 0\.\d\d GB; this device offers ≈ 0\.25 GB/);
  await expect(refusal).toContainText('Run is refused.');
  await expect(page.getByTestId('error')).toContainText('this device offers ≈ 0.25 GB');
  await expect(page.getByTestId('error')).toContainText('Not started. Reduce the rows first (PCA to');
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  expect(await page.evaluate(() => window.__mapstreamJobs!.list().length)).toBe(0);

  // Each option with its memory, time and quality cost; what is not offered says why.
  const pca = page.getByTestId('option-pca');
  await expect(pca).toContainText('≈ 0.');
  await expect(pca).toContainText('PCA +');
  await expect(pca).toContainText('share of variance kept is measured by the PCA');
  await expect(page.getByTestId('option-gpu')).toContainText('not offered: no hardware WebGPU adapter here');
  await expect(page.getByTestId('option-float16')).toContainText('not offered: float16 rows are not in the engine yet');
  await expect(page.getByTestId('preflight-buffers')).toContainText('rows: 0.');
  await expectAxeClean(page, 'refused');

  // Run again by hand: refused the same way, still no job; the scheduler's own submit refuses too.
  await page.getByTestId('run').click();
  await expect(page.getByTestId('error')).toContainText('this device offers ≈ 0.25 GB');
  // The submit is refused by the rows' shape before it touches them, so a few values stand for them.
  const direct = await page.evaluate(() => {
    try {
      window.__mapstreamJobs!.submit([0, 1, 2, 3], 20_000, 1024, { nEpochs: 10 });
      return 'submitted';
    } catch (err) {
      return (err as Error).message;
    }
  });
  expect(direct).toMatch(/this device offers ≈ 0\.25 GB.*Not started\./);
  expect(await page.evaluate(() => window.__mapstreamJobs!.list().length)).toBe(0);

  // Cancel stops a PCA under way (a k this large takes minutes here), and the rows stay as they were.
  await page.getByTestId('pca-k').selectOption('128');
  await page.getByTestId('pca-run').click();
  await expect(page.getByTestId('pca-progress')).toContainText('PCA to 128 dimensions: pass');
  await page.getByTestId('pca-cancel').click();
  await expect(page.getByTestId('pca-progress')).toHaveCount(0);
  await expect(page.getByTestId('dataset')).toContainText('blobs-20000x1024: 20,000 × 1,024');
  await expect(page.getByTestId('pca-note')).toHaveCount(0);

  // The PCA option: reduce to 8 dimensions in its Worker; then the estimate fits and Run makes the map.
  // From the keyboard: the dimension chosen, Tab moves on to Reduce, which shows its focus ring, and Enter runs it.
  await page.getByTestId('pca-k').focus();
  await page.getByTestId('pca-k').selectOption('8');
  await expect(page.getByTestId('pca-run')).toBeEnabled();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('pca-run')).toBeFocused();
  expect(await page.getByTestId('pca-run').evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pca-note')).toContainText(/Reduced by PCA from 1,024 to 8 dimensions, keeping \d+\.\d % of the variance \(measured by the PCA/, { timeout: 170_000 });
  await expect(page.getByTestId('dataset')).toContainText('blobs-20000x1024: 20,000 × 8, 10 label values');
  await expect(page.getByTestId('preflight-refusal')).toHaveCount(0);
  await expect(page.getByTestId('preflight-estimate')).toContainText('of ≈ 0.25 GB on this device');
  await expectAxeClean(page, 'reduced');
  await page.getByTestId('run').click();
  await waitDone(page);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(20_000);
  const jobs = await page.evaluate(() => window.__mapstreamJobs!.list().map((j) => ({ d: j.d, state: j.state })));
  expect(jobs).toEqual([{ d: 8, state: 'completed' }]);
  await context.close();
});

test('a job that fits shows its estimate, no refusal, and runs as before', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('demo-digits').click();
  await waitDone(page);
  const estimate = page.getByTestId('preflight-estimate');
  // Near 0.1 GB: MB below it, whatever this machine's core count adds.
  await expect(estimate).toContainText(/memory ≈ (0\.\d\d GB|\d+ MB) · time ≈ .+ on \d+ cores \(an estimate\)/);
  await expect(page.getByTestId('preflight-refusal')).toHaveCount(0);
  await expect(page.getByTestId('preflight-options')).toHaveCount(0);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
});
