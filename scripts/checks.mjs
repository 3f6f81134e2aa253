#!/usr/bin/env node
// The static checks that npm test runs before the build: lint + format check, the layers' import rules,
// unused code. Each is an npm script and counts as one test. On its own:
//   node scripts/checks.mjs [lint] [deps] [knip]     (default: all three), ending in "N passed, N failed".
import { fileURLToPath } from 'node:url';
import { banner, runNpmScript } from './lib/runners.mjs';

export const CHECKS = [
  { script: 'lint', what: 'lint and format check (biome)' },
  { script: 'deps', what: 'import rules of the layers (dependency-cruiser)' },
  { script: 'knip', what: 'unused files, exports and dependencies (knip)' },
];

/** Runs the named checks in order, each with its output streamed; a check passes when its script exits 0. */
export async function runChecks(names = CHECKS.map((c) => c.script)) {
  const counts = { passed: 0, failed: 0 };
  for (const check of CHECKS.filter((c) => names.includes(c.script))) {
    banner(`${check.what}: npm run ${check.script}`);
    const code = await runNpmScript(check.script);
    if (code === 0) {
      counts.passed++;
      console.log(`[test] ${check.script}: passed`);
    } else {
      counts.failed++;
      console.log(`[test] ${check.script}: failed (exit code ${code}); its output is above`);
    }
  }
  return counts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !CHECKS.some((c) => c.script === name));
  if (unknown.length > 0) {
    console.error(`[test] unknown check(s): ${unknown.join(', ')}; known: ${CHECKS.map((c) => c.script).join(', ')}`);
    process.exit(2);
  }
  const { passed, failed } = await runChecks(asked.length > 0 ? asked : undefined);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}
