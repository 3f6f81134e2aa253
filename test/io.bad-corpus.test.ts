import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource } from '../src/io';
import { BAD_CASES } from '../e2e/bad-corpus';
import { nodeFs } from './io.fixtures';

const BAD_DIR = new URL('../e2e/fixtures/bad/', import.meta.url).pathname;
const DEMO_DIR = new URL('../public/demo/digits/', import.meta.url).pathname;

// The same table the end-to-end spec drives through the file input, here straight through the parsers.
describe('malformed-file corpus', async () => {
  const fs = await nodeFs();
  const load = (f: string) => (f.startsWith('demo:') ? memorySource(f.slice(5), fs.readFileSync(DEMO_DIR + f.slice(5))) : memorySource(f, fs.readFileSync(BAD_DIR + f)));

  it('has at least 25 cases', () => expect(BAD_CASES.length).toBeGreaterThanOrEqual(25));

  it.each(BAD_CASES.map((c) => [c.files.join(' + '), c] as const))('%s', async (_, c) => {
    await expect(ingestSources(c.files.map(load))).rejects.toThrow(c.message);
  });

  it('drops the bad rows when asked, and says so', async () => {
    const ds = await ingestSources([load('nan-rows.csv')], { dropBadRows: true });
    expect([ds.n, ds.d, ds.droppedRows]).toEqual([18, 3, 2]);
    expect(ds.warnings?.[0]).toMatch(/^Dropped 2 bad rows/);
    expect(ds.labels?.length).toBe(18);
  });

  it('warns about identical rows and counts duplicates', async () => {
    const ds = await ingestSources([load('identical.csv')]);
    expect(ds.duplicates).toBe(19);
    expect(ds.warnings).toContain('All 20 rows are identical; the map will be a single blob.');
  });

  it('accepts a wide file when the dimension limit is raised', async () => {
    const ds = await ingestSources([load('too-wide.csv')], { maxDim: 20000 });
    expect([ds.n, ds.d]).toEqual([2, 16385]);
    expect(ds.warnings?.some((w) => /zero variance/.test(w))).toBe(false);
  });
});
