// What one fuzz run is: how many cases per parser (FUZZ_RUNS), from which seed (FUZZ_SEED; case i of a
// run uses seed + i, so any case replays alone with FUZZ_SEED=that FUZZ_RUNS=1), for which parsers
// (FUZZ_ONLY=id,id), and where the counts go (FUZZ_REPORT, a JSON-lines file scripts/fuzz.mjs reads).
// FUZZ_SAVE=1 writes each failing input into test/fixtures/fuzz/ as a regression fixture (see keep()).
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { FuzzCase } from './run-case';

const env = process.env;

export const RUNS = Number(env.FUZZ_RUNS ?? 150);
/** A fixed default, so `npm test` runs the same cases every time. */
export const SEED = Number(env.FUZZ_SEED ?? 15_0215);
const ONLY = env.FUZZ_ONLY ? new Set(env.FUZZ_ONLY.split(',')) : null;

export const selected = (id: string): boolean => !ONLY || ONLY.has(id);

export const FIXTURE_DIR = new URL('../fixtures/fuzz/', import.meta.url).pathname;

export interface ParserReport {
  parser: string;
  cases: number;
  failures: number;
  seed: number;
  outcomes: { parsed: number; refused: number };
  defects: { seed: number; what: string; why: string }[];
}

export function report(r: ParserReport): void {
  if (env.FUZZ_REPORT) appendFileSync(env.FUZZ_REPORT, `${JSON.stringify(r)}\n`);
}

/**
 * Keep a case's files, named after its parser and seed so the replay test groups them. They are
 * written before the case runs (a hang ends the process) and removed again when it passes, unless
 * FUZZ_SAVE=all (to keep the case of a defect already fixed) or the fixture was there before.
 */
export function keep(parser: string, seed: number, c: FuzzCase): () => void {
  if (env.FUZZ_SAVE !== '1' && env.FUZZ_SAVE !== 'all') return () => {};
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const paths = c.files.map((f) => `${FIXTURE_DIR}${parser}-${seed}.${f.name}`);
  const fresh = paths.filter((p) => !existsSync(p));
  for (const [i, f] of c.files.entries()) writeFileSync(paths[i]!, f.bytes);
  return () => {
    if (env.FUZZ_SAVE !== 'all') for (const p of fresh) rmSync(p, { force: true });
  };
}
