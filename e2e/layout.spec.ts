import { inflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bareMapPoint, canvasBox, finishDemo, overflowing, PHONE } from './layout-helpers';
import { clickMapAt } from './explore-helpers';

async function expectMapAtLeast(page: Page, side: number): Promise<void> {
  const box = await canvasBox(page);
  expect(box.width, 'map width').toBeGreaterThanOrEqual(side);
  expect(box.height, 'map height').toBeGreaterThanOrEqual(side);
}

/** The colour of one page pixel, from a 1 × 1 screenshot (a one-pixel PNG needs no unfiltering). */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  return [raw[1]!, raw[2]!, raw[3]!];
}

/** A page pixel on the map at least 20 px from every drawn point and clear of any overlay. */
async function emptyMapSpot(page: Page): Promise<{ x: number; y: number }> {
  const spot = await page.evaluate(() => {
    const hook = window.__mapstream!;
    const box = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    const pts = Array.from({ length: hook.points }, (_, i) => hook.screenPosition!(i)).filter((p) => p !== null);
    for (let y = 30; y < box.height - 30; y += 13) {
      for (let x = 30; x < box.width - 30; x += 13) {
        if (pts.some(([px, py]) => Math.hypot(px - x, py - y) < 20)) continue;
        if (document.elementFromPoint(box.left + x, box.top + y)?.getAttribute('data-testid') === 'map') return { x: box.left + x, y: box.top + y };
      }
    }
    return null;
  });
  expect(spot, 'an empty spot on the map').not.toBeNull();
  return spot!;
}

test('phone width: the map is at least 300 × 300 and nothing overflows, first open, with a sheet open and with a finished map', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await page.goto('./');
  // First open: the Data sheet is open, so the demo and the file chooser are at hand.
  await expect(page.getByTestId('toggle-left')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('demo-digits')).toBeInViewport();
  await expectMapAtLeast(page, 300);
  expect(await overflowing(page)).toEqual([]);
  // The sheet covers at most ~60% of the map and scrolls inside.
  const sheet = (await page.getByTestId('panel-left').boundingBox())!;
  expect(sheet.height).toBeLessThanOrEqual(0.6 * (await canvasBox(page)).height + 1);

  await finishDemo(page);
  // The new map takes the stage: the sheet made way for it.
  await expect(page.getByTestId('toggle-left')).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('panel-left')).toBeHidden();
  await expectMapAtLeast(page, 300);
  expect(await overflowing(page)).toEqual([]);

  // The right sheet, and the toolbar's View sheet, open over the map without overflowing.
  await page.getByTestId('toggle-right').click();
  await expect(page.getByTestId('export-csv')).toBeVisible();
  expect(await overflowing(page)).toEqual([]);
  await page.getByTestId('toolbar-more-toggle').click();
  await expect(page.getByTestId('reset-view')).toBeVisible();
  expect(await overflowing(page)).toEqual([]);
  await expectMapAtLeast(page, 300);
  await context.close();
});

test('the map canvas keeps its box while panels open and close and the selection fills its panel', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('./');
  await finishDemo(page);
  const before = await canvasBox(page);
  // A first map on a wide screen opens the right panel (nobody closed it before).
  await expect(page.getByTestId('toggle-right')).toHaveAttribute('aria-expanded', 'true');
  for (const toggle of ['toggle-left', 'toggle-right', 'toggle-left', 'toggle-right']) {
    await page.getByTestId(toggle).click();
    expect(await canvasBox(page)).toEqual(before);
  }
  await page.getByTestId('section-library-toggle').click();
  await page.getByTestId('section-settings-toggle').click();
  expect(await canvasBox(page)).toEqual(before);

  const pt = await bareMapPoint(page);
  await clickMapAt(page, pt.x, pt.y);
  await expect(page.getByTestId('selection-list').locator('li')).toHaveCount(1);
  await page.getByTestId('search').fill('1');
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('search-note')).toBeVisible();
  await expect.poll(() => page.getByTestId('selection-list').locator('li').count()).toBeGreaterThan(100);
  expect(await canvasBox(page)).toEqual(before);

  // Open states are remembered across a reload.
  const states = async () => [await page.getByTestId('toggle-left').getAttribute('aria-expanded'), await page.getByTestId('section-settings-toggle').getAttribute('aria-expanded')];
  const saved = await states();
  await page.reload();
  await expect.poll(states).toEqual(saved);
});

test('a touch tap on a point selects and inspects it; the inspector is a bottom sheet that fits the phone (phone width)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await page.goto('./');
  await finishDemo(page);
  expect(await page.getByTestId('map').evaluate((el) => getComputedStyle(el).touchAction)).toBe('none');
  const pt = await bareMapPoint(page);
  await page.touchscreen.tap(pt.x, pt.y);
  await expect.poll(() => page.evaluate(() => window.__mapstream!.selection!().length)).toBe(1);
  // The point selected is the one under the finger (or one drawn on the same spot).
  const chosen = await page.evaluate(() => window.__mapstream!.selection!()[0]!);
  const [sx, sy] = (await page.evaluate((i) => window.__mapstream!.screenPosition!(i), chosen))!;
  const box = await canvasBox(page);
  expect(Math.hypot(box.x + sx - pt.x, box.y + sy - pt.y)).toBeLessThan(6);
  // The tap inspects that point: the inspector shows its row, with its neighbours.
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toBeVisible();
  await expect(page.getByTestId('inspector-row')).toHaveText(String(chosen));
  await expect(page.getByTestId('inspector-neighbour')).toHaveCount(15);
  // A finger has no hover: no tooltip joins the inspector.
  await expect(page.getByTestId('tooltip')).toHaveCount(0);
  // A bottom sheet across the phone, inside the viewport, no taller than ~half the map; it scrolls inside.
  const sheet = (await inspector.boundingBox())!;
  expect(sheet.x).toBeGreaterThanOrEqual(0);
  expect(sheet.x + sheet.width).toBeLessThanOrEqual(PHONE.width + 0.5);
  expect(sheet.width).toBeGreaterThan(PHONE.width - 2);
  expect(sheet.y + sheet.height).toBeLessThanOrEqual(PHONE.height + 0.5);
  expect(sheet.height).toBeLessThanOrEqual(0.5 * box.height);
  expect(await overflowing(page)).toEqual([]);
  const scroll = await inspector.evaluate((el) => ({ overflow: getComputedStyle(el).overflowY, more: el.scrollHeight > el.clientHeight }));
  expect(scroll).toEqual({ overflow: 'auto', more: true });
  await inspector.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByTestId('inspector-neighbour').last()).toBeInViewport();
  await page.getByTestId('inspector-close').tap();
  await expect(inspector).toHaveCount(0);
  await context.close();
});

test('touch: two fingers moving apart zoom the map in, one finger drags it (phone width)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await page.goto('./');
  await finishDemo(page);
  const box = await canvasBox(page);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const view = () => page.evaluate(() => window.__mapstream!.view!()!);
  const v0 = await view();
  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: [number, number][]) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  await touch('touchStart', [
    [cx - 30, cy],
    [cx + 30, cy],
  ]);
  for (let s = 1; s <= 6; s++)
    await touch('touchMove', [
      [cx - 30 - 15 * s, cy],
      [cx + 30 + 15 * s, cy],
    ]);
  await touch('touchEnd', []);
  // The fingers spread from 60 to 240 px: the map zooms in about 4×, about their midpoint.
  await expect.poll(async () => (await view()).distance).toBeLessThan(v0.distance / 2);
  const v1 = await view();
  expect(v0.distance / v1.distance).toBeGreaterThan(3);
  expect(v0.distance / v1.distance).toBeLessThan(5);
  // No pinch selects anything.
  expect(await page.evaluate(() => window.__mapstream!.selection!().length)).toBe(0);

  // One finger dragging left moves the view right (the map follows the finger).
  await touch('touchStart', [[cx, cy]]);
  for (let s = 1; s <= 5; s++) await touch('touchMove', [[cx - 20 * s, cy]]);
  await touch('touchEnd', []);
  await expect.poll(async () => (await view()).target[0]).toBeGreaterThan(v1.target[0]);
  expect((await view()).distance).toBeCloseTo(v1.distance, 6);
  await context.close();
});

test('the view fits the points into the bare map between the open panels: first fit and Reset view (1440 × 900)', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await finishDemo(page);
  await expect(page.getByTestId('panel-left')).toBeVisible();
  await expect(page.getByTestId('panel-right')).toBeVisible();
  /** Every point's page position, against the panels' boxes and the map's. */
  const placement = () =>
    page.evaluate(() => {
      const hook = window.__mapstream!;
      const map = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
      const left = document.querySelector('[data-testid=panel-left]')!.getBoundingClientRect();
      const right = document.querySelector('[data-testid=panel-right]')!.getBoundingClientRect();
      let under = 0;
      let outside = 0;
      let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let i = 0; i < hook.points; i++) {
        const [px, py] = hook.screenPosition!(i)!;
        const x = map.left + px;
        const y = map.top + py;
        if (x <= left.right || x >= right.left) under++;
        if (y < map.top || y > map.bottom) outside++;
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
      // How much of the bare rect the points fill, on the tighter axis.
      const fill = Math.max((x1 - x0) / (right.left - left.right), (y1 - y0) / map.height);
      return { under, outside, fill };
    });
  const fitted = await placement();
  expect(fitted.under, 'points under a panel after the first fit').toBe(0);
  expect(fitted.outside, 'points above or below the map').toBe(0);
  expect(fitted.fill).toBeGreaterThan(0.8);

  // Pan and zoom away (keyboard), so points go under the left panel; Reset view fits them again.
  await page.locator('.map[role="application"]').focus();
  for (let k = 0; k < 4; k++) await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('+');
  await expect.poll(async () => (await placement()).under).toBeGreaterThan(0);
  await page.getByTestId('reset-view').click();
  await expect.poll(placement).toEqual(fitted);
});

test('dark theme: the page and the map background follow the system', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./');
  await finishDemo(page);
  const spot = await emptyMapSpot(page);
  const light = await pixel(page, spot.x, spot.y);
  expect(Math.min(...light)).toBeGreaterThan(230);
  const bodyLight = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).not.toBe(bodyLight);
  // The WebGL map takes the dark background too, on its next frame.
  await expect.poll(async () => Math.max(...(await pixel(page, spot.x, spot.y)))).toBeLessThan(60);
  // And back.
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(async () => Math.min(...(await pixel(page, spot.x, spot.y)))).toBeGreaterThan(230);
});
