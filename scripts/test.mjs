#!/usr/bin/env node
// npm test: static checks (lint, deps, knip), build (app, then bench/test pages), unit tests (vitest), browser
// tests (playwright), then one summary line "N passed, N failed" as the very last output. Exit code is non-zero when
// anything failed.
import { readFile, rm } from 'node:fs/promises';
import { runChecks } from './checks.mjs';
import { findChromium } from './lib/chromium.mjs';
import { ROOT, banner, runNpmScript, runTool } from './lib/runners.mjs';

const UNIT_REPORT = `${ROOT}test-results/unit.json`;
const E2E_REPORT = `${ROOT}test-results/e2e.json`;

async function readJson(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Vitest JSON: failing tests plus test files that failed without a failing test (import errors). */
function countVitest(report) {
  let passed = 0;
  let failed = 0;
  for (const file of report.testResults ?? []) {
    const results = file.assertionResults ?? [];
    for (const t of results) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
    }
    if (file.status === 'failed' && !results.some((t) => t.status === 'failed')) failed++;
  }
  return { passed, failed };
}

/** Playwright JSON: walk every suite; top-level errors (e.g. a spec that fails to load) count as failures. */
function countPlaywright(report) {
  let passed = 0;
  let failed = 0;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'expected' || t.status === 'flaky') {
          // A skipped test also reports 'expected' when its expected status is 'skipped'.
          if (t.expectedStatus !== 'skipped') passed++;
        } else if (t.status === 'unexpected') failed++;
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  failed += (report.errors ?? []).length;
  return { passed, failed };
}

/** A runner that exited non-zero yet reported no failure still failed at something: count it once. */
function tally(name, code, counts) {
  if (!counts) {
    console.log(`[test] ${name}: no report (exit code ${code}); counting 1 failure`);
    return { passed: 0, failed: 1 };
  }
  if (code !== 0 && counts.failed === 0) {
    console.log(`[test] ${name} exited with ${code} without a failing test; counting 1 failure`);
    return { ...counts, failed: 1 };
  }
  return counts;
}

const totals = { passed: 0, failed: 0 };
const add = (c) => {
  totals.passed += c.passed;
  totals.failed += c.failed;
};

await rm(UNIT_REPORT, { force: true });
await rm(E2E_REPORT, { force: true });

let chromium = null;
try {
  banner('Chromium');
  chromium = await findChromium();
  console.log(`[test] using ${chromium}`);
} catch (err) {
  console.error(`[test] ${err.message}`);
}

// Each check counts as one test; a failing one does not stop the build and the tests after it.
add(await runChecks());

banner('vite build');
const appBuildCode = await runTool('vite', ['build']);
if (appBuildCode !== 0) console.error(`[test] vite build failed (exit code ${appBuildCode})`);
// The bench and WebGPU test pages, which the product does not ship, for e2e/webgpu-*.spec.ts.
banner('vite build (bench and test pages)');
const benchBuildCode = await runTool('vite', ['build', '--config', 'bench/vite.config.ts']);
if (benchBuildCode !== 0) console.error(`[test] bench build failed (exit code ${benchBuildCode})`);
const buildCode = appBuildCode || benchBuildCode;
// "dist holds only the app" counts as one test: one HTML entry, no bench or test code in any bundle.
if (appBuildCode === 0) {
  banner('dist holds only the app: npm run check-dist');
  const code = await runNpmScript('check-dist');
  add(code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
}

banner('unit tests (vitest)');
const unitCode = await runTool('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile=${UNIT_REPORT}`]);
const unitReport = await readJson(UNIT_REPORT);
add(tally('vitest', unitCode, unitReport && countVitest(unitReport)));

if (buildCode !== 0 || !chromium) {
  console.log('[test] skipping browser tests: ' + (buildCode !== 0 ? 'the build failed' : 'no Chromium'));
  add({ passed: 0, failed: 1 });
} else {
  banner('browser tests (playwright)');
  const e2eCode = await runTool('playwright', ['test'], { CHROMIUM_PATH: chromium });
  const e2eReport = await readJson(E2E_REPORT);
  add(tally('playwright', e2eCode, e2eReport && countPlaywright(e2eReport)));
}

console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
