import { describe, expect, it } from 'vitest';
import { CsvParser, detectFormat, ingestSources, memorySource, parseCsv, parseNpy, readNpyLabels } from '../src/io';
import { DIGITS_DIR, errorOf, nodeFs } from './io.fixtures';

/** Feed text in fixed-size chunks to exercise records and quotes split across chunk boundaries. */
function parseChunked(text: string, size: number) {
  const p = new CsvParser('c.csv');
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return p.finish();
}

describe('parseCsv', () => {
  it('uses numeric columns as the vector and "label" as labels', () => {
    const ds = parseCsv('x,y,Label\n1,2,a\n3,4.5,b\n', 'p.csv');
    expect([ds.n, ds.d]).toEqual([2, 2]);
    expect(Array.from(ds.data)).toEqual([1, 2, 3, 4.5]);
    expect(ds.labels).toEqual(['a', 'b']);
    expect(ds.labelName).toBe('Label');
    expect(ds.columns).toEqual(['x', 'y']);
  });

  it('takes a numeric column named label as labels', () => {
    const ds = parseCsv('a,b,label\n1,2,7\n3,4,8\n');
    expect(ds.d).toBe(2);
    expect(ds.labels).toEqual(['7', '8']);
  });

  it('takes the single non-numeric column as labels wherever it is', () => {
    const ds = parseCsv('name,a,b\ncat,1,2\ndog,3,4');
    expect(ds.labels).toEqual(['cat', 'dog']);
    expect(ds.labelName).toBe('name');
    expect(Array.from(ds.data)).toEqual([1, 2, 3, 4]);
  });

  it('has no labels when every column is numeric', () => {
    const ds = parseCsv('a,b\n1,2\n3,4\n');
    expect(ds.labels).toBeUndefined();
    expect(ds.labelName).toBeUndefined();
  });

  it('handles CRLF, a BOM, quoted fields with commas, quotes and newlines, blank lines', () => {
    const text = '\uFEFF"a","b",label\r\n1,"2",  "x, ""y"""\r\n\r\n3,4,"multi\nline"\r\n';
    const ds = parseCsv(text);
    expect(ds.columns).toEqual(['a', 'b']);
    expect(Array.from(ds.data)).toEqual([1, 2, 3, 4]);
    expect(ds.labels).toEqual(['x, "y"', 'multi\nline']);
  });

  it('handles lone CR line endings and scientific notation', () => {
    expect(Array.from(parseCsv('a,b\r1e-3,-2E2\r0,0\r').data)).toEqual([Math.fround(1e-3), -200, 0, 0]);
  });

  it('gives the same result for every chunking', () => {
    const text = '\uFEFFa,b,label\r\n1,2,"q,""x"""\r\n3,4,"two\r\nlines"\r\n5,6,z';
    const whole = parseCsv(text, 'c.csv');
    for (const size of [1, 2, 3, 5, 7, 64]) expect(parseChunked(text, size)).toEqual(whole);
  });

  it('grows past its initial buffer', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i * 2},${-i}`);
    const ds = parseCsv(`a,b,c\n${rows.join('\n')}`);
    expect(ds.n).toBe(5000);
    expect(ds.data.length).toBe(15000);
    expect(ds.data[14999]).toBe(-4999);
  });

  it('rejects an empty file', () => {
    expect(errorOf(() => parseCsv('', 'e.csv')).message).toBe('e.csv is empty.');
    expect(errorOf(() => parseCsv('\uFEFF \n\n', 'e.csv')).message).toBe('e.csv is empty.');
  });

  it('rejects a header-only file', () => {
    expect(errorOf(() => parseCsv('a,b\n', 'h.csv')).message).toMatch(/header row but no data rows/);
  });

  it('names a ragged row and its field counts', () => {
    const e = errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'r.csv'));
    expect(e.message).toBe('r.csv: row 2 (line 3) has 2 fields, but the header has 3.');
    expect(e.row).toBe(2);
  });

  it('carries the offending row as the file has it, with the bad cell, for the preview', () => {
    const ragged = errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'r.csv'));
    expect(ragged.record).toEqual({ row: 2, line: 3, columns: ['a', 'b', 'c'], cells: ['4', '5'] });
    // A quoted newline in row 1 puts row 2 on line 4; the column index is into the row's own cells.
    const bad = errorOf(() => parseCsv('id,x,y\n"a\nb",1,2\nq,3,oops\n', 'b.csv'));
    expect(bad.record).toEqual({ row: 2, line: 4, columns: ['id', 'x', 'y'], cells: ['q', '3', 'oops'], column: 2 });
    expect(bad.column).toBe('y');
  });

  it('names row and column for a non-numeric value in a numeric column', () => {
    const e = errorOf(() => parseCsv('a,b\n1,2\n3,oops\n', 'n.csv'));
    expect(e.message).toMatch(/non-numeric value 'oops' at row 2 \(line 3\), column 'b'/);
    expect([e.row, e.column]).toEqual([2, 'b']);
  });

  it.each(['NaN', 'nan', '-nan'])('names row and column for %s', (v) => {
    const e = errorOf(() => parseCsv(`a,b\n1,2\n3,4\n5,${v}\n`));
    expect(e.message).toMatch(/NaN at row 3 \(line 4\), column 'b'/);
  });

  it.each(['inf', '-Infinity', '1e999'])('names row and column for infinite %s', (v) => {
    const e = errorOf(() => parseCsv(`a,b\n${v},2\n`));
    expect(e.message).toMatch(/infinite value .* at row 1 \(line 2\), column 'a'/);
  });

  it('reports an empty numeric value', () => {
    expect(errorOf(() => parseCsv('a,b\n1,\n')).message).toMatch(/empty value at row 1 \(line 2\), column 'b'/);
  });

  it('keeps several text columns as metadata without a label column', () => {
    const ds = parseCsv('id,name,x\na,b,1\nc,d,2\n');
    expect(ds.columns).toEqual(['x']);
    expect(ds.metadata?.map((m) => m.name)).toEqual(['id', 'name']);
    expect(ds.labels).toBeUndefined();
  });

  it('ignores extra text columns when a label column exists', () => {
    const ds = parseCsv('id,x,label\nq,1,a\nr,2,b\n');
    expect(ds.columns).toEqual(['x']);
  });

  it('rejects a file without numeric columns', () => {
    expect(errorOf(() => parseCsv('label\na\n')).message).toMatch(/no numeric columns/);
  });

  it('reads tab-separated text', () => {
    expect(Array.from(parseCsv('a\tb\n1\t2\n3\t4\n', 't.tsv', { delimiter: '\t' }).data)).toEqual([1, 2, 3, 4]);
  });
});

describe('detectFormat', () => {
  const npyHead = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  it('prefers magic bytes over the name', () => {
    expect(detectFormat('x.csv', npyHead).id).toBe('npy');
    expect(detectFormat('x.npy', new Uint8Array([0x61])).id).toBe('npy');
    expect(detectFormat('x.CSV', new Uint8Array([0x61])).id).toBe('csv');
    expect(detectFormat('x.tsv', new Uint8Array([0x61])).id).toBe('tsv');
    expect(detectFormat('x', new Uint8Array([0x61])).id).toBe('csv');
  });
  it('rejects unknown extensions by name', () => {
    expect(() => detectFormat('x.xlsx', new Uint8Array([0x50]))).toThrow(/unrecognised file type '\.xlsx'/);
  });
});

describe('digits.csv', async () => {
  const fs = await nodeFs();
  const csv = fs.readFileSync(`${DIGITS_DIR}/digits.csv`);
  const npy = parseNpy(fs.readFileSync(`${DIGITS_DIR}/digits.npy`));
  const labels = readNpyLabels(fs.readFileSync(`${DIGITS_DIR}/digits.labels.npy`)).labels;

  it('gives the same Float32Array and labels as digits.npy', async () => {
    // Small chunks make many records straddle chunk boundaries.
    const ds = await ingestSources([memorySource('digits.csv', csv, 4093)]);
    expect([ds.n, ds.d]).toEqual([1797, 64]);
    expect(ds.data).toEqual(npy.data);
    expect(ds.labels).toEqual(labels);
    expect(ds.labelName).toBe('label');
    expect(ds.columns[63]).toBe('p63');
  });

  it('rejects an empty file before parsing', async () => {
    await expect(ingestSources([memorySource('empty.csv', new Uint8Array(0))])).rejects.toThrow('empty.csv is empty.');
  });
});
