// Every input the fuzzer once broke a parser with (test/fixtures/fuzz/, named <parser>-<seed>.<file>;
// files sharing that prefix are one case), replayed: each now ends in a parse or a named error.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCase, type FuzzFile } from './fuzz/run-case';
import { FIXTURE_DIR } from './fuzz/session';

const groups = new Map<string, FuzzFile[]>();
for (const name of readdirSync(FIXTURE_DIR).sort()) {
  if (name === 'README.md') continue;
  const dot = name.indexOf('.');
  const key = name.slice(0, dot);
  groups.set(key, [...(groups.get(key) ?? []), { name: name.slice(dot + 1), bytes: new Uint8Array(readFileSync(FIXTURE_DIR + name)) }]);
}

describe('fuzz regressions', () => {
  it('has the saved cases', () => expect(groups.size).toBeGreaterThan(0));
  it.each([...groups].map(([key, files]) => [key, files] as const))('%s', async (_, files) => {
    const o = await runCase({ what: 'regression', files });
    expect(o.kind === 'defect' ? o.why : 'ok').toBe('ok');
  });
});
