#!/usr/bin/env node
// npm run test:e2e [-- playwright args]: build the app and the bench/test pages, then the browser tests only.
import { findChromium } from './lib/chromium.mjs';
import { banner, runTool } from './lib/runners.mjs';

const chromium = await findChromium();
banner('vite build');
const buildCode = await runTool('vite', ['build']);
if (buildCode !== 0) process.exit(buildCode);
banner('vite build (bench and test pages)');
const benchBuildCode = await runTool('vite', ['build', '--config', 'bench/vite.config.ts']);
if (benchBuildCode !== 0) process.exit(benchBuildCode);
banner('browser tests (playwright)');
process.exitCode = await runTool('playwright', ['test', ...process.argv.slice(2)], { CHROMIUM_PATH: chromium });
