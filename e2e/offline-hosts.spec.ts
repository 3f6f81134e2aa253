import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { APP_BASE_PATH, expect, test } from './fixtures';
import { DIGITS_CSV, waitDone } from './explore-helpers';
import { type HostProcess, serveScript, vitePreview } from './host-process';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** The files the app may load: everything built, minus the service worker itself and the demo files only tests and people read. */
async function appFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => `${e.parentPath}/${e.name}`.slice(root.length + 1));
  return files.filter((f) => f !== 'sw.js' && (!f.startsWith('demo/') || (f.startsWith('demo/digits/digits.') && f.endsWith('.npy')))).sort();
}

/**
 * The service worker has installed (its precache is complete: a worker controls pages only once
 * its install succeeded), controls the page, and the page is isolated. On a host that sends no
 * isolation headers the page reloads once under the worker to get them, so this waits with
 * waitForFunction, which outlives that navigation, and never with a one-shot evaluate.
 */
async function waitServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller && crossOriginIsolated && window.__mapstream?.status === 'idle');
}

/** What the service worker's caches hold: name → paths relative to the app's base URL. */
function cached(page: Page, base: string): Promise<Record<string, string[]>> {
  return page.evaluate(async (b) => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const reqs = await (await caches.open(name)).keys();
      out[name] = reqs.map((r) => r.url.slice(b.length)).sort();
    }
    return out;
  }, base);
}

/**
 * After a first visit that read and ran nothing, offline: the app reloads isolated, a local file
 * chosen through the file input is read (the ingest Worker), mapped (job and compute Workers) and
 * clustered (cluster Worker) — every script from the precache alone.
 */
async function mapsOffline(page: Page, context: BrowserContext, host: HostProcess): Promise<void> {
  await page.goto(host.url);
  await waitServiceWorker(page);
  const caches = await cached(page, host.url);
  const names = Object.keys(caches);
  expect(names, 'one cache, of this build').toHaveLength(1);
  expect(caches[names[0]!], 'the precache holds every file the app may load, though no Worker was started').toEqual(expect.arrayContaining(await appFiles(DIST)));
  expect(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('.worker-'))), 'no Worker script was loaded by the page').toBe(false);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'mapstream' })).toBeVisible();
    await page.waitForFunction(() => crossOriginIsolated && window.__mapstream?.status === 'idle');
    await page.getByTestId('file-input').setInputFiles(DIGITS_CSV);
    await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64, 10 label values');
    await page.getByTestId('param-n_epochs').fill('50');
    await page.getByTestId('run').click();
    await waitDone(page);
    expect(await page.evaluate(() => window.__mapstream!.coords()!.length)).toBe(1797 * 2);
    await expect.poll(() => page.evaluate(() => window.__mapstream!.clusterCount ?? 0)).toBeGreaterThan(0);
  } finally {
    await context.setOffline(false);
  }
}

test.describe('offline on any static host, under a sub-path', () => {
  test('`npm run preview` (vite preview, Vary: Origin): offline reload, and a local file maps after a first visit that ran nothing', async ({ page, context }) => {
    const host = await vitePreview(APP_BASE_PATH);
    try {
      const res = await page.request.get(host.url);
      expect(res.headers().vary, 'vite preview sends Vary: Origin, the case a Vary-honouring match fails on').toMatch(/Origin/i);
      await mapsOffline(page, context, host);
    } finally {
      await host.stop();
    }
  });

  test('scripts/serve.mjs without isolation headers: the service worker isolates the page, and it maps a local file offline', async ({ page, context }) => {
    const host = await serveScript(APP_BASE_PATH, ['--no-isolate']);
    try {
      await mapsOffline(page, context, host);
    } finally {
      await host.stop();
    }
  });

  test("a new build's service worker replaces the old one and its cache, and the new build is what opens offline", async ({ page, context }, testInfo) => {
    // A copy of dist/ stands for the deployed site; rewriting it in place is deploying a new build.
    const site = testInfo.outputPath('site');
    await mkdir(site, { recursive: true });
    await cp(DIST, site, { recursive: true });
    const host = await serveScript(APP_BASE_PATH, ['--root', site]);
    try {
      await page.goto(host.url);
      await waitServiceWorker(page);
      const sw = await readFile(`${site}/sw.js`, 'utf8');
      const version = sw.match(/"version":"([0-9a-f]{16})"/)?.[1];
      expect(version, 'the build wrote its version into sw.js').toBeTruthy();
      expect(Object.keys(await cached(page, host.url))).toEqual([`mapstream-${version}`]);

      // The new build: another index.html (so another version) and a service worker saying so.
      const next = 'feedfacefeedface';
      const html = await readFile(`${site}/index.html`, 'utf8');
      await writeFile(`${site}/index.html`, html.replace('<head>', '<head><meta name="mapstream-build" content="next">'));
      await writeFile(`${site}/sw.js`, sw.replace(`"version":"${version}"`, `"version":"${next}"`));
      await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        await reg!.update();
      });
      // The new worker takes over (skipWaiting + claim) and deletes the old build's cache.
      await expect.poll(() => cached(page, host.url).then(Object.keys)).toEqual([`mapstream-${next}`]);

      await context.setOffline(true);
      try {
        await page.reload();
        await expect(page.locator('meta[name=mapstream-build]')).toHaveAttribute('content', 'next');
        await page.waitForFunction(() => crossOriginIsolated && window.__mapstream?.status === 'idle');
        await page.getByTestId('file-input').setInputFiles(DIGITS_CSV);
        await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64');
      } finally {
        await context.setOffline(false);
      }
    } finally {
      await host.stop();
    }
  });
});
