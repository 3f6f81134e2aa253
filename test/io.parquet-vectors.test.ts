// The page-by-page vector reader (src/io/parquet-vectors.ts) on Parquet layouts from two writers:
// hyparquet-writer (element types, codecs, dictionary pages, rows spanning pages, v2 pages, bad rows)
// and parquetjs fixtures (v1 pages, the legacy repeated field), each checked against the values written.
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readFileSync } from 'node:fs';
import { ingestSources, memorySource } from '../src/io';

type Elem = 'FLOAT' | 'DOUBLE' | 'INT32' | 'INT64';

function listSchema(elem: Elem, legacy = false) {
  const vec = legacy
    ? [{ name: 'vec', type: elem, repetition_type: 'REPEATED' as const }]
    : [
        { name: 'vec', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
        { name: 'element', type: elem, repetition_type: 'OPTIONAL' as const },
      ];
  return [{ name: 'root', num_children: 2 }, ...vec, { name: 'tag', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const }];
}

function rowsOf(n: number, d: number, value: (i: number, j: number) => number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => value(i, j)));
}

async function ingest(bytes: ArrayBuffer, opts = {}) {
  return ingestSources([memorySource('t.parquet', new Uint8Array(bytes), 777)], opts);
}

function write(rows: (number[] | null | (number | null)[])[], elem: Elem, o: { legacy?: boolean; codec?: 'SNAPPY' | 'UNCOMPRESSED'; pageSize?: number; rowGroupSize?: number } = {}) {
  const data = elem === 'INT64' ? rows.map((r) => (r === null ? null : r.map((x) => (x === null ? null : BigInt(x))))) : rows;
  return parquetWriteBuffer({
    schema: listSchema(elem, o.legacy),
    columnData: [
      { name: 'vec', data: data as never },
      { name: 'tag', data: rows.map((_, i) => `t${i % 3}`) },
    ],
    codec: o.codec ?? 'SNAPPY',
    pageSize: o.pageSize ?? 1 << 20,
    rowGroupSize: o.rowGroupSize ?? 1000,
  });
}

describe('Parquet vectors, page by page', () => {
  const n = 700;
  const d = 24;
  const cases: [string, Elem, Parameters<typeof write>[2], (i: number, j: number) => number][] = [
    ['float, snappy, rows spanning 256-byte pages, 3 row groups', 'FLOAT', { pageSize: 256, rowGroupSize: 250 }, (i, j) => Math.fround(Math.sin(i * d + j))],
    ['double, uncompressed', 'DOUBLE', { codec: 'UNCOMPRESSED' }, (i, j) => Math.fround(Math.cos(i + j * 0.1))],
    ['int32 with few distinct values (dictionary pages)', 'INT32', {}, (i, j) => (i + j) % 4],
    ['int64', 'INT64', { pageSize: 512 }, (i, j) => i * 3 - j],
  ];
  for (const [name, elem, o, value] of cases) {
    it(name, async () => {
      const rows = rowsOf(n, d, value);
      const ds = await ingest(write(rows, elem, o));
      expect([ds.n, ds.d]).toEqual([n, d]);
      expect(Array.from(ds.data)).toEqual(rows.flat());
      expect(ds.vectorField).toBe('vec');
      // The other column is metadata, aligned with the rows.
      expect(ds.labels?.[5] !== undefined || ds.metadata !== undefined).toBe(true);
    });
  }

  // Written by parquetjs (scripts/make-parquet-fixtures.mjs): version-1 data pages, which most writers
  // (pyarrow, parquet-mr) write by default, and the legacy two-level layout, a repeated primitive field.
  for (const [name, file] of [
    ['v1 pages, repeated FLOAT field, uncompressed, rows spanning pages', 'parquet-v1-float.parquet'],
    ['v1 pages, repeated DOUBLE field, snappy', 'parquet-v1-double.parquet'],
  ] as const) {
    it(name, async () => {
      const [rowsN, dim] = [200, 24]; // as scripts/make-parquet-fixtures.mjs writes them
      const rows = rowsOf(rowsN, dim, (i, j) => Math.fround(Math.sin(i - j * 0.3)));
      const bytes = readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
      const ds = await ingest(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect([ds.n, ds.d]).toEqual([rowsN, dim]);
      expect(Array.from(ds.data)).toEqual(rows.flat());
    });
  }

  it('a struct column is not a vector candidate, even with numeric fields', async () => {
    const rows = rowsOf(50, 5, (i, j) => i - j);
    const bytes = parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'pt', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'x', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        { name: 'y', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        ...listSchema('FLOAT').slice(1, 4),
      ],
      columnData: [
        { name: 'pt', data: rows.map((r) => ({ x: r[0], y: r[1] })) as never },
        { name: 'vec', data: rows as never },
      ],
    });
    const ds = await ingest(bytes);
    expect(ds.vectorField).toBe('vec');
    expect(ds.vectorCandidates).toEqual(['vec']);
    expect(Array.from(ds.data)).toEqual(rows.flat());
  });

  it('bad rows are named: a null vector, a null element, a short vector', async () => {
    const base = rowsOf(40, 6, (i, j) => i + j);
    const nullVec: (number[] | null)[] = base.map((r, i) => (i === 12 ? null : r));
    await expect(ingest(write(nullVec, 'FLOAT'))).rejects.toThrow(/row 13 has a non-array 'vec' field/);
    const nullElem = base.map((r, i) => (i === 20 ? r.map((x, j) => (j === 2 ? null : x)) : r));
    await expect(ingest(write(nullElem, 'FLOAT'))).rejects.toThrow(/row 21, vector element 3 is null/);
    const short = base.map((r, i) => (i === 30 ? r.slice(0, 4) : r));
    await expect(ingest(write(short, 'FLOAT'))).rejects.toThrow(/row 31 has a vector of 4 values, but the first row has 6/);
    // Dropping bad rows keeps the others, in order.
    const ds = await ingest(write(short, 'FLOAT'), { dropBadRows: true });
    expect(ds.n).toBe(39);
    expect(Array.from(ds.data.subarray(30 * 6, 31 * 6))).toEqual(base[31]);
  });
});
