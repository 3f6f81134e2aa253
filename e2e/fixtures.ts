import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServer } from '../scripts/lib/static-server.mjs';

export { expect };

/** Sub-path the app is served under, so URLs that only work at the site root fail in tests. */
export const APP_BASE_PATH = '/mapstream/';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));

interface ServeOptions {
  /** COOP/COEP/CORP headers; false gives a page without SharedArrayBuffer (transferred-chunks mode). */
  isolate?: boolean;
  basePath?: string;
  /** A Vary header on every response ('Origin' mimics `vite preview`). */
  vary?: string;
}

interface WorkerFixtures {
  /** Cross-origin isolated server over dist/; `requests` logs every request it received. */
  appServer: StaticServer;
  /** Same build, served without isolation headers. */
  openServer: StaticServer;
}

interface TestFixtures {
  /** URL of the app on the non-isolated server. */
  openURL: string;
  /** Starts an extra server over dist/ for this test; closed when the test ends. */
  serveApp: (opts?: ServeOptions) => Promise<StaticServer>;
  /** Console errors and uncaught page errors seen on `page` so far. */
  consoleErrors: string[];
}

/**
 * The app installs its test hooks (window.__mapstream, window.__mapstreamJobs) only on a page opened
 * for tests; every context the specs use turns that on before any page script runs.
 */
async function openForTests(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    try {
      localStorage.setItem('mapstream.test', '1');
    } catch {
      // about:blank and other opaque origins have no storage; the app is never loaded there.
    }
  });
}

function serve({ isolate = true, basePath = APP_BASE_PATH, vary }: ServeOptions = {}): Promise<StaticServer> {
  return startStaticServer({ root: DIST, basePath, isolate, vary: vary ?? null });
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // Contexts a spec creates itself (browser.newContext(), browser.newPage()) are opened for tests too.
  browser: [
    async ({ browser }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const context = await newContext(options);
        await openForTests(context);
        return context;
      };
      await use(browser);
      browser.newContext = newContext;
    },
    { scope: 'worker' },
  ],
  appServer: [
    async ({}, use) => {
      const server = await serve({ isolate: true });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  openServer: [
    async ({}, use) => {
      const server = await serve({ isolate: false });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ appServer }, use) => use(appServer.url),
  openURL: async ({ openServer }, use) => use(openServer.url),
  serveApp: async ({}, use) => {
    const started: StaticServer[] = [];
    await use(async (opts) => {
      const server = await serve(opts);
      started.push(server);
      return server;
    });
    await Promise.all(started.map((s) => s.close()));
  },
  consoleErrors: async ({ page }, use) => {
    await use(collectConsoleErrors(page));
  },
});

function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}
