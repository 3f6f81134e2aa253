import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bareMapPoint, finishDemo, PHONE } from './layout-helpers';
import { clickMapAt } from './explore-helpers';

/** axe over the whole page: no serious or critical violation. */
async function expectAxeClean(page: Page, state: string): Promise<void> {
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${state}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('axe: first open, preview, a running job, the finished map and a selection', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await expect(page.getByTestId('demo-digits')).toBeVisible();
  await expectAxeClean(page, 'first open');

  await page.getByTestId('demo-digits').click();
  await expect(page.getByTestId('preview-step')).toBeVisible();
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await expectAxeClean(page, 'preview');

  // Held at layout epoch 5 (its first preview is drawn by then), so the job is still running, with its
  // live preview on the map, however long axe takes on a busy machine.
  await page.getByTestId('param-n_epochs').fill('6000');
  await page.evaluate(() => window.__mapstreamJobs!.holdNextRun({ phase: 'layout', done: 5 }));
  await page.getByTestId('run').click();
  await page.waitForFunction(() => window.__mapstream?.status === 'running' && window.__mapstream.points > 0, undefined, { timeout: 60_000 });
  await expectAxeClean(page, 'running');
  expect(await page.evaluate(() => window.__mapstream!.status), 'still running after the check').toBe('running');
  await page.getByTestId('cancel').click();
  await page.waitForFunction(() => window.__mapstream?.status !== 'running');

  await page.getByTestId('param-n_epochs').fill('auto');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => window.__mapstream?.status === 'done' && window.__mapstream.clustersFinal === true, undefined, { timeout: 120_000 });
  await page.waitForFunction(() => !!window.__mapstream?.screenPosition?.(0) && !document.querySelector('.map.previewing'), undefined, { timeout: 30_000 });
  await expectAxeClean(page, 'finished');

  const pt = await bareMapPoint(page);
  await clickMapAt(page, pt.x, pt.y);
  await expect(page.getByTestId('selection-list').locator('li')).toHaveCount(1);
  await expectAxeClean(page, 'selection');
});

test('axe: the finished map at phone width, with its sheets, and in the dark theme', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await page.goto('./');
  await finishDemo(page);
  await expectAxeClean(page, 'phone finished');
  await page.getByTestId('toggle-right').click();
  await expect(page.getByTestId('export-csv')).toBeVisible();
  await expectAxeClean(page, 'phone, selection sheet');
  await page.getByTestId('toggle-left').click();
  await expect(page.getByTestId('run')).toBeVisible();
  await expectAxeClean(page, 'phone, data sheet');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('toggle-left').click();
  await expectAxeClean(page, 'phone dark finished');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('toggle-left').click();
  await expect(page.getByTestId('run')).toBeVisible();
  await expectAxeClean(page, 'dark finished, panels open');
  await context.close();
});

test('axe: the job card on the map while a job runs, at 1440 and at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  // Held after the first kNN chunk: the card is looked at on the empty map while the job certainly runs.
  // The demo starts its own run, and Run, pressed with the same parameters, follows that same job.
  await page.evaluate(() => window.__mapstreamJobs!.holdNextRun({ phase: 'knn', done: 1000 }));
  await page.getByTestId('demo-digits').click();
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('run').click();
  const card = page.getByTestId('map-progress');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('map-progress-phase')).toContainText('kNN 1,000 / 1,797 points');
  await expectAxeClean(page, 'job card, running');
  await page.setViewportSize(PHONE);
  await expect(card).toBeInViewport();
  await expectAxeClean(page, 'phone, job card, running');
});

test('axe: the quality badge, the export panel, the point inspector and the legend filter (1440), and the inspector at phone width', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await finishDemo(page);
  await expect(page.getByTestId('quality-values')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('export-title')).toBeVisible();
  await page.getByTestId('export-title').fill('Digits');
  await page.getByTestId('export-scale-2').check();
  await expectAxeClean(page, 'quality badge and export panel');

  const pt = await bareMapPoint(page);
  await clickMapAt(page, pt.x, pt.y);
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(page.getByTestId('inspector-neighbour')).toHaveCount(15);
  await expectAxeClean(page, 'inspector open');

  const entries = page.getByTestId('legend').locator('button.legend-entry');
  await entries.nth(2).click();
  await expect(entries.nth(2)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('legend-reset')).toBeVisible();
  await expectAxeClean(page, 'legend filter on');

  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto('./');
  await finishDemo(phone);
  const tap = await bareMapPoint(phone);
  await phone.touchscreen.tap(tap.x, tap.y);
  await expect(phone.getByTestId('inspector')).toBeVisible();
  await expect(phone.getByTestId('inspector-neighbour')).toHaveCount(15);
  await expectAxeClean(phone, 'phone, inspector open');
  await context.close();
});
