import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource, parseNpy, readNpyLabels, type Dataset } from '../src/io';
import { toJson, toJsonl, toParquet } from '../scripts/lib/embedding-formats.mjs';
import { DIGITS_DIR, makeNpy, nodeFs } from './io.fixtures';

// Every format must give back digits.npy's exact Float32Array and digits.labels.npy's labels.
describe('digits round trip through every format', async () => {
  const fs = await nodeFs();
  const read = (name: string) => fs.readFileSync(`${DIGITS_DIR}/${name}`);
  const ref = parseNpy(read('digits.npy'), 'digits.npy');
  const labels = readNpyLabels(read('digits.labels.npy')).labels;
  const enc = (s: string) => new TextEncoder().encode(s);
  // Odd chunk sizes make records straddle chunk boundaries.
  const src = (name: string, bytes: Uint8Array) => memorySource(name, bytes, 4093);

  const expectDigits = (ds: Dataset, labelName = 'label') => {
    expect([ds.n, ds.d]).toEqual([1797, 64]);
    expect(ds.data).toEqual(ref.data);
    expect(ds.labels).toEqual(labels);
    expect(ds.labelName).toBe(labelName);
  };

  it('npy + labels npy', async () => {
    expectDigits(await ingestSources([src('digits.labels.npy', read('digits.labels.npy')), src('digits.npy', read('digits.npy'))]), 'digits.labels');
  });

  it('npy as float64, Fortran order, and int16 give the same matrix', async () => {
    const f64 = Float64Array.from(ref.data);
    expect((await ingestSources([src('a.npy', makeNpy('<f8', [1797, 64], f64, { version: 2 }))])).data).toEqual(ref.data);
    const colMajor = new Float32Array(1797 * 64);
    for (let i = 0; i < 1797; i++) for (let j = 0; j < 64; j++) colMajor[j * 1797 + i] = ref.data[i * 64 + j]!;
    expect((await ingestSources([src('f.npy', makeNpy('<f4', [1797, 64], colMajor, { fortran: true, version: 3 }))])).data).toEqual(ref.data);
    expect((await ingestSources([src('i.npy', makeNpy('<i2', [1797, 64], Int16Array.from(ref.data)))])).data).toEqual(ref.data);
  });

  it('csv', async () => {
    expectDigits(await ingestSources([src('digits.csv', read('digits.csv'))]));
  });

  it('tsv (header row with label column)', async () => {
    const text = new TextDecoder().decode(read('digits.csv')).replaceAll(',', '\t');
    expectDigits(await ingestSources([src('digits.tsv', enc(text))]));
  });

  it('semicolon-separated text with CRLF and a BOM, delimiter detected', async () => {
    const text = '\uFEFF' + new TextDecoder().decode(read('digits.csv')).replaceAll(',', ';').replaceAll('\n', '\r\n');
    expectDigits(await ingestSources([src('digits.txt', enc(text))]));
  });

  it('Projector pair (vectors.tsv without header + metadata.tsv), in either order', async () => {
    const pair = [src('digits.vectors.tsv', read('digits.vectors.tsv')), src('digits.metadata.tsv', read('digits.metadata.tsv'))];
    const a = await ingestSources(pair);
    expectDigits(a);
    expect(a.format).toBe('projector');
    expectDigits(await ingestSources([pair[1]!, pair[0]!]));
  });

  it('json (array of objects, vector field detected)', async () => {
    const ds = await ingestSources([src('digits.json', enc(toJson(ref.data, 1797, 64, labels)))]);
    expectDigits(ds);
    expect(ds.vectorField).toBe('embedding');
    expect(ds.metadata?.map((m) => m.name)).toEqual(['id', 'label']);
    expect(ds.metadata?.[0]?.values).toBeInstanceOf(Float64Array);
  });

  it('json (array of arrays)', async () => {
    const ds = await ingestSources([src('digits.json', enc(toJson(ref.data, 1797, 64, null)))]);
    expect(ds.data).toEqual(ref.data);
  });

  it('jsonl', async () => {
    expectDigits(await ingestSources([src('digits.jsonl', enc(toJsonl(ref.data, 1797, 64, labels)))]));
  });

  it('parquet (several row groups)', async () => {
    const ds = await ingestSources([src('digits.parquet', toParquet(ref.data, 1797, 64, labels, 500))]);
    expectDigits(ds);
    expect(ds.vectorField).toBe('embedding');
  });
});
