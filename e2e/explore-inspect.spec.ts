import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { clickMapAt, closePanels, fitDigitsFile, lasso, waitDone, waitInteractive } from './explore-helpers';

const hook = <T>(page: Page, fn: () => T) => page.evaluate(fn);

/** Click point i on the interactive map. */
async function clickPoint(page: Page, i: number): Promise<void> {
  const [sx, sy] = (await page.evaluate((k) => window.__mapstream!.screenPosition!(k), i))!;
  const box = (await page.getByTestId('map').boundingBox())!;
  await clickMapAt(page, box.x + sx, box.y + sy);
}

test('clicking a point opens the inspector: its row, cluster, metadata and exact high-D neighbours, each clickable and marked on the map; Esc closes it', async ({ page }) => {
  await fitDigitsFile(page);
  await expect.poll(() => hook(page, () => window.__mapstream!.clustersFinal)).toBe(true);
  // The side panels lie over the map; a user closes them to reach the points beneath.
  await closePanels(page);
  // A point away from the legend's corner.
  const target = await page.evaluate(() => {
    const box = document.querySelector('[data-testid="map"]')!.getBoundingClientRect();
    for (let i = 0; i < 1797; i++) {
      const p = window.__mapstream!.screenPosition!(i)!;
      if (p[0] > box.width * 0.35 && p[0] < box.width * 0.6 && p[1] > box.height * 0.2 && p[1] < box.height * 0.5) return i;
    }
    return 0;
  });
  await clickPoint(page, target);
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toBeVisible();
  const row = await hook(page, () => window.__mapstream!.inspected!().row);
  expect(row).not.toBeNull();
  await expect(page.getByTestId('inspector-row')).toHaveText(String(row));
  await expect(page.getByTestId('inspector-cluster')).toBeVisible();
  await expect(page.getByTestId('inspector-cells')).toContainText('digits.labels');
  await expect(page.getByTestId('inspector-neighbour')).toHaveCount(15);
  // The neighbours are the exact 15 nearest rows in the 64-D space (checked here in Node).
  const { neighbours, source, truth } = await page.evaluate(async (r) => {
    const got = window.__mapstream!.inspected!();
    const res = await fetch('demo/digits/digits.npy').then((x) => x.arrayBuffer());
    const bytes = new Uint8Array(res);
    const hlen = bytes[8]! | (bytes[9]! << 8);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
    const d = Number(/\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(header)![1]);
    const dtype = /'descr':\s*'([^']+)'/.exec(header)![1]!;
    const body = res.slice(10 + hlen);
    const raw = dtype.includes('f8') ? new Float64Array(body) : dtype.includes('f4') ? new Float32Array(body) : new Uint8Array(body);
    const v = Float32Array.from(raw);
    const n = v.length / d;
    const dist = (i: number) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (v[i * d + c]! - v[r! * d + c]!) ** 2;
      return s;
    };
    const order = Array.from({ length: n }, (_, i) => i).filter((i) => i !== r);
    order.sort((a, b) => dist(a) - dist(b) || a - b);
    return { neighbours: got.neighbours, source: got.source, truth: order.slice(0, 15), kth: dist(order[14]!) };
  }, row);
  expect(source).toBe('exact');
  expect(neighbours!.length).toBe(15);
  // Ties at the k-th distance may order differently; the set up to the last is the same.
  expect(neighbours!.slice(0, 10)).toEqual(truth.slice(0, 10));
  // The point and its neighbours are ringed on the map.
  await expect(page.getByTestId('inspect-marks').locator('.inspect-mark')).toHaveCount(16);
  // A neighbour moves the inspector to it.
  const next = neighbours![0]!;
  await page.getByTestId('inspector-neighbour').first().click();
  await expect(page.getByTestId('inspector-row')).toHaveText(String(next));
  await expect.poll(() => hook(page, () => window.__mapstream!.inspected!().neighbours?.length ?? 0)).toBe(15);
  // Esc closes it and clears the selection.
  await page.keyboard.press('Escape');
  await expect(inspector).toHaveCount(0);
  await expect(page.getByTestId('selection-count')).toHaveText('0');
  // The close button closes it too.
  await clickPoint(page, target);
  await expect(inspector).toBeVisible();
  await page.getByTestId('inspector-close').click();
  await expect(inspector).toHaveCount(0);
});

test('a selection dims every other point; Esc clears it and the search count', async ({ page }) => {
  await fitDigitsFile(page);
  await page.getByTestId('search').fill('3');
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('search-note')).toContainText('matches');
  await expect(page.getByTestId('selection-count')).not.toHaveText('0');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('search-note')).toHaveCount(0);
  await expect(page.getByTestId('selection-count')).toHaveText('0');
  // Lasso the middle, then compare screenshots (of the bare map: the side panels closed): the points
  // outside it fade towards the background.
  await closePanels(page);
  // Only the points are measured: what lies over them (the quality badge, the caption, a tooltip, the
  // "finished" note, the focus ring) comes and goes on its own schedule.
  await page.addStyleTag({ content: '.map-area > :not(.map) { visibility: hidden !important; } .map { outline: none !important; }' });
  const box = (await page.getByTestId('map').boundingBox())!;
  const ink = async () => inkOutside(page, await page.getByTestId('map').screenshot(), box.width, box.height);
  const before = await ink();
  await lasso(page, box.width * 0.4, box.height * 0.4, box.width * 0.6, box.height * 0.6);
  await expect.poll(() => hook(page, () => window.__mapstream!.selection!().length)).toBeGreaterThan(0);
  await expect.poll(ink).toBeLessThan(before * 0.5);
  await page.keyboard.press('Escape');
  await expect.poll(ink).toBeGreaterThan(before * 0.8);
});

/** How far from white the map's pixels outside its middle third are, summed (a screenshot read in the page). */
function inkOutside(page: Page, png: Buffer, w: number, h: number): Promise<number> {
  return page.evaluate(
    async ({ b64, w, h }) => {
      // Decoded here, not fetched: the page's connection policy allows no data: URLs.
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      const px = g.getImageData(0, 0, bmp.width, bmp.height).data;
      const sx = bmp.width / w;
      const sy = bmp.height / h;
      let sum = 0;
      for (let y = 0; y < bmp.height; y++) {
        for (let x = 0; x < bmp.width; x++) {
          const inside = x > w * 0.33 * sx && x < w * 0.67 * sx && y > h * 0.33 * sy && y < h * 0.67 * sy;
          // The legend's corner is left out too.
          if (inside || x > w * 0.7 * sx) continue;
          const o = (y * bmp.width + x) * 4;
          sum += 765 - px[o]! - px[o + 1]! - px[o + 2]!;
        }
      }
      return sum;
    },
    { b64: png.toString('base64'), w, h },
  );
}

test('legend entries filter their category: click shows one, Shift+click adds one, Show all resets; keyboard-operable', async ({ page }) => {
  await fitDigitsFile(page);
  const legend = page.getByTestId('legend');
  const entries = legend.locator('button.legend-entry');
  await expect(entries).toHaveCount(10);
  const colourOf = (i: number) => page.evaluate((k) => window.__mapstream!.pointColor!(k), i);
  const before = await Promise.all([0, 1, 2, 3].map(colourOf));
  await entries.nth(0).click();
  await expect(entries.nth(0)).toHaveAttribute('aria-pressed', 'true');
  await expect(entries.nth(1)).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('legend-filter')).toContainText('Showing 1 of 10');
  // Point 0 is a "0" in the digits data: it keeps its colour, points of other digits are greyed.
  await expect.poll(() => colourOf(0)).toBe(before[0]);
  await expect.poll(() => colourOf(1)).not.toBe(before[1]);
  await entries.nth(1).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('legend-filter')).toContainText('Showing 2 of 10');
  await expect.poll(() => colourOf(1)).toBe(before[1]);
  // From the keyboard: focus an entry and press Space.
  await entries.nth(1).focus();
  await page.keyboard.press('Shift+Space');
  await expect(entries.nth(1)).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('legend-reset').click();
  await expect(entries.nth(0)).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => colourOf(1)).toBe(before[1]);
});

test('five big wheel ticks zoom a bounded amount; cluster labels follow the map', async ({ page }) => {
  await fitDigitsFile(page);
  const box = (await page.getByTestId('map').boundingBox())!;
  const d0 = (await hook(page, () => window.__mapstream!.view!()))!.distance;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let t = 0; t < 5; t++) await page.mouse.wheel(0, -1000);
  await expect.poll(async () => (await hook(page, () => window.__mapstream!.view!()))!.distance).toBeLessThan(d0);
  const d1 = (await hook(page, () => window.__mapstream!.view!()))!.distance;
  // At most 1.25× per tick.
  expect(d0 / d1).toBeLessThanOrEqual(1.25 ** 5 * 1.01);
  await expect.poll(() => hook(page, () => window.__mapstream!.clustersFinal)).toBe(true);
  await page.getByTestId('cluster-labels-toggle').check();
  const labels = page.getByTestId('cluster-label');
  await expect.poll(() => labels.count()).toBeGreaterThan(1);
  // Labels are digit names (the majority label of each cluster).
  expect((await labels.first().textContent())!).toMatch(/^\d$|^cluster \d+$/);
  const at = await labels.first().boundingBox();
  await page.getByTestId('reset-view').click();
  await expect.poll(async () => (await labels.first().boundingBox())?.x).not.toBe(at?.x);
});

test('the keyboard alone loads the digits demo, runs it, pans, zooms and inspects a point', async ({ page }) => {
  await page.goto('./');
  const focusByTab = async (testId: string) => {
    for (let t = 0; t < 80; t++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
    }
    throw new Error(`Tab never reached ${testId}`);
  };
  await focusByTab('demo-digits');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await focusByTab('run');
  await page.keyboard.press('Enter');
  await waitDone(page);
  await waitInteractive(page);
  // The map takes focus, says how it works, and shows a focus ring.
  const map = page.locator('.map[role="application"]');
  await map.focus();
  await expect(map).toBeFocused();
  await expect(map).toHaveAttribute('aria-label', 'Map');
  expect(await map.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
  const v0 = (await hook(page, () => window.__mapstream!.view!()))!;
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await hook(page, () => window.__mapstream!.view!()))!.target[0]).toBeGreaterThan(v0.target[0]);
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await hook(page, () => window.__mapstream!.view!()))!.target[1]).toBeGreaterThan(v0.target[1]);
  await page.keyboard.press('+');
  await expect.poll(async () => (await hook(page, () => window.__mapstream!.view!()))!.distance).toBeLessThan(v0.distance);
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect.poll(async () => (await hook(page, () => window.__mapstream!.view!()))!.distance).toBeGreaterThan(v0.distance);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(page.getByTestId('inspector-neighbour')).toHaveCount(15);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('inspector')).toHaveCount(0);
});

test('"Colour by" lists the label once', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles({
    name: 'l.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(['a,b,c,label', ...Array.from({ length: 40 }, (_, i) => `${i % 5},${(i * 7) % 11},${i % 3},k${i % 4}`)].join('\n')),
  });
  await expect(page.getByTestId('dataset')).toContainText('40');
  const texts = await page.getByTestId('color-by').locator('option').allTextContents();
  expect(texts.filter((t) => t.startsWith('label'))).toEqual(['label']);
});
