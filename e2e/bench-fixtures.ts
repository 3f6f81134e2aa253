import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServer } from '../scripts/lib/static-server.mjs';
import { APP_BASE_PATH, expect, test as appTest } from './fixtures';

export { expect };

// The bench and GPU test pages are not in dist/ (the product holds no test code): they are built
// into dist-bench/ by `npx vite build --config bench/vite.config.ts` (npm test does both builds).
const DIST_BENCH = fileURLToPath(new URL('../dist-bench', import.meta.url));

interface BenchWorkerFixtures {
  /** Cross-origin isolated server over dist-bench/, under the same sub-path as the app. */
  benchServer: StaticServer;
}

export const test = appTest.extend<object, BenchWorkerFixtures>({
  benchServer: [
    async ({}, use) => {
      if (!existsSync(`${DIST_BENCH}/gpu-test.html`)) {
        throw new Error(`${DIST_BENCH}/gpu-test.html is missing: build the test pages first (npx vite build --config bench/vite.config.ts), or run npm test.`);
      }
      const server = await startStaticServer({ root: DIST_BENCH, basePath: APP_BASE_PATH, isolate: true });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ benchServer }, use) => use(benchServer.url),
});
