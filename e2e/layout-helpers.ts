// Shared by the layout and a11y specs: the demo to a finished, interactive map; bare map points; overflow.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { waitDone, waitInteractive } from './explore-helpers';

export const PHONE = { width: 390, height: 844 };

/** The bundled digits demo, run with the default parameters, to an interactive map with its final clusters. */
export async function finishDemo(page: Page): Promise<void> {
  await page.getByTestId('demo-digits').click();
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('run').click();
  await waitDone(page);
  await waitInteractive(page);
  await page.waitForFunction(() => window.__mapstream?.clustersFinal === true, undefined, { timeout: 60_000 });
}

/** The first point drawn on bare map (no panel, legend or note over it), in page pixels. */
export async function bareMapPoint(page: Page): Promise<{ i: number; x: number; y: number }> {
  const pt = await page.evaluate(() => {
    const hook = window.__mapstream!;
    const box = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    for (let i = 0; i < hook.points; i++) {
      const p = hook.screenPosition!(i);
      if (!p) continue;
      const x = box.left + p[0];
      const y = box.top + p[1];
      if (document.elementFromPoint(x, y)?.getAttribute('data-testid') === 'map') return { i, x, y };
    }
    return null;
  });
  expect(pt, 'some point lies on bare map').not.toBeNull();
  return pt!;
}

/**
 * Everything that sticks out past the viewport's right edge: the page's own scroll width, and each
 * visible element whose right edge is beyond it after the clipping of its scrolling ancestors.
 */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw) out.push(`document scrollWidth ${document.documentElement.scrollWidth} > ${vw}`);
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let right = r.right;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') right = Math.min(right, a.getBoundingClientRect().right);
      }
      if (right > vw + 0.5) {
        const id = el.getAttribute('data-testid') ?? el.id;
        out.push(`${el.tagName.toLowerCase()}${id ? `#${id}` : ''}.${el.className} right ${Math.round(right)} > ${vw}`);
      }
    }
    return out;
  });
}

/** The map canvas's box in the page. */
export async function canvasBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  return (await page.getByTestId('map').boundingBox())!;
}
