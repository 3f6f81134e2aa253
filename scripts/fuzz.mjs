#!/usr/bin/env node
// npm run fuzz: the long fuzz of every parser (test/fuzz.test.ts) with FUZZ_RUNS cases each (10,000 unless
// set) from FUZZ_SEED (random unless set; case i replays alone with FUZZ_SEED=seed+i FUZZ_RUNS=1), then one
// line per parser: cases run and failures. FUZZ_ONLY=npy,csv picks parsers. Exit code 1 on any failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ROOT } from './lib/runners.mjs';

const report = `${ROOT}test-results/fuzz.jsonl`;
mkdirSync(`${ROOT}test-results`, { recursive: true });
rmSync(report, { force: true });
const env = {
  ...process.env,
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000',
  FUZZ_SEED: process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 30)),
  FUZZ_REPORT: report,
};
console.log(`[fuzz] ${env.FUZZ_RUNS} cases per parser from seed ${env.FUZZ_SEED}`);
const run = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts', 'test/fuzz-regressions.test.ts'], { cwd: ROOT, env, stdio: 'inherit' });
let lines = [];
try {
  lines = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
} catch {
  // No report: vitest failed before any parser finished; its exit code says so below.
}
let failed = 0;
let cases = 0;
console.log('\n[fuzz] parser                      cases  parsed  refused  failures');
for (const r of lines) {
  if (r.hang) {
    failed++;
    console.log(`[fuzz] HANG ${r.hang}`);
    continue;
  }
  cases += r.cases;
  failed += r.failures;
  console.log(
    `[fuzz] ${r.parser.padEnd(26)} ${String(r.cases).padStart(6)}  ${String(r.outcomes.parsed).padStart(6)}  ${String(r.outcomes.refused).padStart(7)}  ${String(r.failures).padStart(8)}`,
  );
  for (const d of r.defects.slice(0, 5)) console.log(`[fuzz]   seed ${d.seed}: ${d.what}\n[fuzz]     ${d.why.split('\n')[0]}`);
}
console.log(`[fuzz] ${cases} cases, ${failed} failures (seed ${env.FUZZ_SEED})`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
