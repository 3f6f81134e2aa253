// Every parser behind the ingest Worker's entry, fuzzed: each case must end in a correct parse or an
// IngestError with a real message, never a raw TypeError/RangeError, a hang, or an allocation that
// follows a declared size instead of the bytes given. `npm test` runs a short, fixed-seed fuzz;
// `npm run fuzz` a long one (test/fuzz/session.ts has the knobs).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLz4Frames } from '../src/io/lz4-frame';
import { measure } from './fuzz/alloc-guard';
import { fixtures, lz4Frame } from './fuzz/corpus';
import { caseArb, PARSERS } from './fuzz/mutations';
import { allocLimit, runCase, type FuzzCase } from './fuzz/run-case';
import { keep, report, RUNS, SEED, selected, type ParserReport } from './fuzz/session';
import { specials } from './fuzz/specials';
import { Watchdog } from './fuzz/watchdog';

/** Far beyond any case: only a parser stuck in a loop reaches it. */
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 60_000);
const watchdog = new Watchdog(HANG_MS, process.env.FUZZ_REPORT);
afterAll(() => watchdog.stop());

const FIXTURES = fixtures();
const SPECIALS = specials();

async function judged(parser: string, seed: number, c: FuzzCase, r: ParserReport): Promise<void> {
  const discard = keep(parser, seed, c);
  watchdog.begin(`${parser} (FUZZ_SEED=${seed} FUZZ_RUNS=1 FUZZ_ONLY=${parser}): ${c.what}`);
  const o = await runCase(c);
  watchdog.end();
  r.cases++;
  if (o.kind === 'defect') {
    r.failures++;
    r.defects.push({ seed, what: c.what, why: o.why });
  } else {
    r.outcomes[o.kind]++;
    discard();
  }
}

const failures = (r: ParserReport) => r.defects.map((x) => `seed ${x.seed}: ${x.what}\n  → ${x.why}`);

describe('fuzzed parsers', () => {
  for (const spec of PARSERS.filter((p) => selected(p.id))) {
    it(`${spec.id}: ${RUNS} random cases end in a parse or a named error`, { timeout: 120_000 + RUNS * 2_000 }, async () => {
      const arb = caseArb(spec, FIXTURES[spec.id]!);
      const r: ParserReport = { parser: spec.id, cases: 0, failures: 0, seed: SEED, outcomes: { parsed: 0, refused: 0 }, defects: [] };
      for (let i = 0; i < RUNS; i++) {
        const seed = (SEED + i) | 0;
        const [c] = fc.sample(arb, { seed, numRuns: 1 });
        await judged(spec.id, seed, c!, r);
      }
      report(r);
      expect(failures(r)).toEqual([]);
      // Both ends are reached: the good fixtures' mutations still parse sometimes, random bytes never.
      if (RUNS >= 100) expect([r.outcomes.parsed > 0, r.outcomes.refused > 0]).toEqual([true, true]);
    });

    const extra = SPECIALS[spec.id] ?? [];
    if (extra.length > 0)
      it(`${spec.id}: ${extra.length} hand-made cases (huge declared sizes, deep nesting, 1 MB lines, other encodings)`, { timeout: 120_000 }, async () => {
        const r: ParserReport = { parser: `${spec.id} (special)`, cases: 0, failures: 0, seed: -1, outcomes: { parsed: 0, refused: 0 }, defects: [] };
        for (const c of extra) await judged(spec.id, -1, c, r);
        report(r);
        expect(failures(r)).toEqual([]);
      });
  }

  if (selected('lz4-raw'))
    it(`lz4-raw: ${RUNS} mutated frames decode or fail with an LZ4 message`, { timeout: 120_000 + RUNS * 500 }, async () => {
      const frame = lz4Frame();
      const arb = fc.oneof(
        fc.uint8Array({ maxLength: 2000 }).map((b) => ({ what: `${b.length} random bytes`, bytes: b })),
        fc.nat().map((at) => ({ what: `truncated at ${at % frame.length}`, bytes: frame.slice(0, at % frame.length) })),
        fc.array(fc.tuple(fc.nat({ max: 511 }), fc.nat({ max: 7 })), { minLength: 1, maxLength: 6 }).map((flips) => {
          const b = frame.slice();
          for (const [p, bit] of flips) b[p]! ^= 1 << bit;
          return { what: `bits flipped at ${flips.map(([p, bit]) => `${p}.${bit}`).join(', ')}`, bytes: b };
        }),
      );
      const r: ParserReport = { parser: 'lz4-raw', cases: 0, failures: 0, seed: SEED, outcomes: { parsed: 0, refused: 0 }, defects: [] };
      for (let i = 0; i < RUNS; i++) {
        const seed = (SEED + i) | 0;
        const [c] = fc.sample(arb, { seed, numRuns: 1 });
        watchdog.begin(`lz4-raw (FUZZ_SEED=${seed} FUZZ_RUNS=1 FUZZ_ONLY=lz4-raw): ${c!.what}`);
        const m = await measure(async () => decodeLz4Frames(c!.bytes));
        watchdog.end();
        r.cases++;
        // The decoder's own errors are plain Errors naming LZ4; arrow.ts turns them into IngestErrors.
        const why =
          m.alloc.largest > allocLimit(c!.bytes.length)
            ? `allocated ${m.alloc.largest} bytes for ${c!.bytes.length}`
            : 'error' in m && !(m.error instanceof Error && m.error.name === 'Error' && /lz4/i.test(m.error.message))
              ? `threw ${String(m.error)}`
              : null;
        if (why) {
          r.failures++;
          r.defects.push({ seed, what: c!.what, why });
        } else r.outcomes['error' in m ? 'refused' : 'parsed']++;
      }
      report(r);
      expect(failures(r)).toEqual([]);
    });
});
