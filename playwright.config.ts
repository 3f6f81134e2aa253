import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromiumSync } from './scripts/lib/chromium.mjs';

// The app is served by e2e/fixtures.ts (a static server over dist/ under a sub-path), so specs must
// import { test, expect } from './fixtures'. Nothing is built here: run `vite build` first (npm test does).
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: findChromiumSync(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
});
