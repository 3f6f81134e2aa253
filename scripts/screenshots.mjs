// The README's screenshots (npm run screenshots): serves the built dist/ (build it first: it builds
// nothing itself), drives Chromium through first open, a running job (its card on the map over a
// preview drawing), the finished map, a selection with the point inspector open, the dark theme and
// the preflight refusing a job too large for a (simulated) small device,
// at 1440 × 900 and 390 × 844, into docs/screenshots/<state>-<width>.png.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/chromium.mjs';
import { startStaticServer } from './lib/static-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}docs/screenshots`;
const SIZES = [
  [1440, 900],
  [390, 844],
];
/** Long enough that the running state is still running when it is photographed. */
const RUNNING_EPOCHS = '4000';

mkdirSync(OUT, { recursive: true });
const server = await startStaticServer({ root: `${ROOT}dist`, basePath: '/mapstream/', isolate: true });
const browser = await launchChromium();

/** Wait until the page's test hook says so (the hook exists because the page is opened with ?test=1). */
const until = (page, fn, arg, timeout = 120_000) => page.waitForFunction(fn, arg, { timeout, polling: 100 });

async function open(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${server.url}?test=1`);
  await until(page, () => !!window.__mapstream);
  return page;
}

async function finishedDemo(page) {
  await page.getByTestId('demo-digits').click();
  await page.getByTestId('run').click();
  await until(page, () => window.__mapstream?.status === 'done' && window.__mapstream.clustersFinal === true);
  await until(page, () => !!window.__mapstream?.screenPosition?.(0) && !document.querySelector('.map.previewing'));
}

/** The first point whose screen position is bare map (no panel or legend over it), in page pixels. */
async function bareMapPoint(page) {
  return page.evaluate(() => {
    const hook = window.__mapstream;
    const box = document.querySelector('[data-testid=map]').getBoundingClientRect();
    for (let i = 0; i < hook.points; i++) {
      const p = hook.screenPosition(i);
      if (!p) continue;
      const x = box.left + p[0];
      const y = box.top + p[1];
      if (document.elementFromPoint(x, y)?.getAttribute('data-testid') === 'map') return { i, x, y };
    }
    return null;
  });
}

const shot = (page, name, w) => page.screenshot({ path: `${OUT}/${name}-${w}.png` });

for (const [w, h] of SIZES) {
  const narrow = w <= 600;
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, hasTouch: narrow, colorScheme: 'light' });
  let page = await open(ctx);
  await shot(page, 'first-open', w);

  // Running: the demo with many epochs, photographed while its layout preview fills in.
  await page.getByTestId('demo-digits').click();
  await page.getByTestId('param-n_epochs').fill(RUNNING_EPOCHS);
  await page.getByTestId('run').click();
  await until(page, () => window.__mapstream?.status === 'running' && window.__mapstream.points > 0 && !!document.querySelector('.map.previewing'));
  await shot(page, 'running', w);
  // Every job deleted, its record's deletion written (remove waits for it), or the next page would
  // resume the running one after the "reload" and show it instead.
  await page.evaluate(() =>
    Promise.all(
      window.__mapstreamJobs
        .list()
        .filter((j) => j.state === 'running' || j.state === 'queued' || j.state === 'paused')
        .map((j) => window.__mapstreamJobs.remove(j.id)),
    ),
  );
  await page.close();

  page = await open(ctx);
  await finishedDemo(page);
  await shot(page, 'finished', w);

  // A selection with the inspector: one point clicked (tapped on a phone) selects and inspects it;
  // on a wide screen the selection panel lists it, on a phone the inspector is the sheet shown.
  const pt = await bareMapPoint(page);
  if (!pt) throw new Error('no point of the map is uncovered by the panels');
  if (narrow) await page.touchscreen.tap(pt.x, pt.y);
  else await page.mouse.click(pt.x, pt.y);
  await until(page, () => (window.__mapstream?.selection?.().length ?? 0) > 0, undefined, 30_000);
  await until(page, () => document.querySelectorAll('[data-testid=inspector-neighbour]').length > 0 && document.querySelectorAll('.inspect-mark').length > 1, undefined, 30_000);
  if (!narrow) await page.getByTestId('selection-list').waitFor();
  await shot(page, 'selection', w);

  // Dark theme: the same finished map, the system switched to dark; Esc closes the inspector and clears the selection.
  await page.keyboard.press('Escape');
  // The click left the focus on the map; its focus ring is not part of the picture.
  await page.evaluate(() => document.activeElement?.blur());
  await until(page, () => !document.querySelector('[data-testid=inspector]') && window.__mapstream?.selection?.().length === 0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await until(page, () => getComputedStyle(document.documentElement).getPropertyValue('--map-bg').trim() !== '#ffffff');
  // Two frames: the map takes the new background on the next draw.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await shot(page, 'dark', w);
  await ctx.close();

  // The preflight refusing a job too large for the device: the browser reports 0.25 GB (Chromium's
  // smallest deviceMemory) and a link generates 20,000 × 1,024 rows, which the model puts near 0.28 GB.
  const small = await browser.newContext({ viewport: { width: w, height: h }, hasTouch: narrow, colorScheme: 'light' });
  await small.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  page = await small.newPage();
  await page.goto(`${server.url}?src=blobs&n=20000&d=1024&k=10&epochs=10`);
  const refusal = page.getByTestId('preflight-refusal');
  await refusal.waitFor({ timeout: 180_000 });
  await refusal.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.activeElement?.blur());
  await shot(page, 'preflight', w);
  await small.close();
  console.log(`${w}×${h}: first-open, running, finished, selection, dark, preflight`);
}

await browser.close();
await server.close();
console.log(`written to ${OUT}`);
