// A one-row file: refused for a fit (a map needs at least 2 points), read for "Add points" (minRows 1),
// in every format that can hold one row. The fit's refusal is the readers' default and stays as it was.
import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource } from '../src/io';
import { encodeNpy, fixedListArrow, gzip, npz, wideParquet } from './helpers/format-fixtures';

const d = 8;
const row = Float32Array.from({ length: d }, (_, j) => Math.fround(0.25 * j - 1));
const text = (s: string) => new TextEncoder().encode(s);
const csvRow = Array.from(row, String).join(',');

const ONE_ROW: [string, Uint8Array][] = [
  ['one.csv', text(`${Array.from({ length: d }, (_, j) => `v${j}`).join(',')},label\n${csvRow},seven\n`)],
  ['one-no-header.csv', text(`${csvRow}\n`)],
  ['one.tsv', text(`${Array.from(row, String).join('\t')}\n`)],
  ['one.npy', encodeNpy(row, [1, d])],
  ['one.json', text(JSON.stringify([{ embedding: Array.from(row), label: 'seven' }]))],
  ['one.jsonl', text(`${JSON.stringify({ embedding: Array.from(row), label: 'seven' })}\n`)],
  ['one.parquet', wideParquet(row, 1, d, [{ name: 'label', data: ['seven'] }])],
  ['one.arrow', fixedListArrow(row, 1, d, ['seven'])],
  ['one.npz', npz({ embeddings: encodeNpy(row, [1, d]) }, true)],
  ['one.csv.gz', gzip(`${csvRow}\n`)],
];

describe('a file of one row', () => {
  for (const [name, bytes] of ONE_ROW) {
    it(`${name}: read with minRows 1, its one row exact`, async () => {
      const ds = await ingestSources([memorySource(name, bytes, 97)], { minRows: 1 });
      expect([ds.n, ds.d]).toEqual([1, d]);
      expect(Array.from(ds.data.subarray(0, d))).toEqual(Array.from(row));
      if (name !== 'one-no-header.csv' && name !== 'one.tsv' && !name.startsWith('one.np') && !name.endsWith('.gz')) expect(ds.labels).toEqual(['seven']);
    });

    it(`${name}: refused for a fit, by default`, async () => {
      await expect(ingestSources([memorySource(name, bytes, 97)])).rejects.toThrow(/has only 1 row; a map needs at least 2 points/);
    });
  }

  it('an empty file is refused even with minRows 1', async () => {
    await expect(ingestSources([memorySource('none.csv', text('a,b\n'), 97)], { minRows: 1 })).rejects.toThrow(/no data rows|header row but no data rows/);
    await expect(ingestSources([memorySource('none.npy', encodeNpy(new Float32Array(0), [0, d]), 97)], { minRows: 1 })).rejects.toThrow(/there are no values to map/);
  });
});
