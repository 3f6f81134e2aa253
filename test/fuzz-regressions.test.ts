// Every input the fuzzer once broke a parser with (test/fixtures/fuzz/, named <parser>-<seed>.<file>;
// files sharing that prefix are one case), replayed: each now ends in a parse or a named error.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource } from '../src/io';
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

// The fuzz's UTF-16 cases once ended in "no numeric columns" naming columns full of NULs.
describe('text in UTF-16 with a BOM', () => {
  const text = 'a,b,label\n1,2,x\n3,4,y\n5,6,é\n';
  const utf16 = (be: boolean) => {
    const out = new Uint8Array(2 + text.length * 2);
    out.set(be ? [0xfe, 0xff] : [0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) new DataView(out.buffer).setUint16(2 + 2 * i, text.charCodeAt(i), !be);
    return out;
  };
  it.each([
    ['LE', false, 1],
    ['BE', true, 1],
    ['LE', false, 4096],
  ] as const)('%s, read in chunks of %s bytes, parses as its UTF-8 twin', async (_, be, chunk) => {
    const want = await ingestSources([memorySource('u.csv', new TextEncoder().encode(text))]);
    const got = await ingestSources([memorySource('u.csv', utf16(be), chunk)]);
    expect([got.n, got.d, Array.from(got.data), got.labels]).toEqual([want.n, want.d, Array.from(want.data), want.labels]);
  });
});
