import { describe, expect, it } from 'vitest';
import { parquetReadObjects } from 'hyparquet';
import { float32Text, toCsvParts } from '../src/export/csv';
import { looksLikeMapFile, parseMapFile, toMapFileParts } from '../src/export/map-file';
import { toNpy } from '../src/export/npy';
import { toParquet } from '../src/export/parquet';
import type { ExportTable } from '../src/export/table';
import { Rng } from '../src/engine/prng';
import { parseCsv } from './helpers/read-csv';

function table(n = 200): ExportTable {
  const rng = new Rng(5);
  const coords = new Float32Array(n * 2);
  for (let i = 0; i < coords.length; i++) coords[i] = rng.normal() * 7.3;
  const clusters = Int32Array.from({ length: n }, (_, i) => (i % 7) - 1);
  const score = Float64Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i / 3));
  const text = Array.from({ length: n }, (_, i) => (i === 0 ? '<img src=x onerror=alert(1)>' : i === 1 ? 'a,"b"\nc' : i === 2 ? 'ünï 😀' : `row ${i}`));
  return {
    coords,
    nComponents: 2,
    rows: null,
    clusters,
    meta: [
      { name: 'score', values: score },
      { name: 'note', values: text },
    ],
  };
}

describe('exports read back to the in-app values', () => {
  it('float32Text is the shortest exact text', () => {
    const f = new Float32Array([0.1, 1 / 3, -123456.789, 1e-30, 0]);
    for (const v of f) expect(Math.fround(Number(float32Text(v)))).toBe(v);
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
  });

  it('CSV', () => {
    const t = table();
    const rows = parseCsv(toCsvParts(t).join(''));
    expect(rows[0]).toEqual(['x', 'y', 'cluster', 'score', 'note']);
    expect(rows.length).toBe(201);
    for (let i = 0; i < 200; i++) {
      const r = rows[i + 1]!;
      expect(Math.fround(Number(r[0]))).toBe(t.coords[2 * i]);
      expect(Math.fround(Number(r[1]))).toBe(t.coords[2 * i + 1]);
      expect(Number(r[2])).toBe(t.clusters![i]);
      expect(r[4]).toBe((t.meta[1]!.values as string[])[i]);
    }
    expect(rows[4]![3]).toBe('');
  });

  it('CSV of a selection has exactly the selected rows', () => {
    const t = { ...table(), rows: Uint32Array.from([5, 9, 150]) };
    const rows = parseCsv(toCsvParts(t).join(''));
    expect(rows.length).toBe(4);
    expect(Math.fround(Number(rows[3]![0]))).toBe(t.coords[300]);
  });

  it('.npy structured array', () => {
    const t = table();
    const bytes = toNpy(t);
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    const hlen = bytes[8]! | (bytes[9]! << 8);
    expect((10 + hlen) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
    const width = Number(/\('note', '<U(\d+)'\)/.exec(header)![1]);
    expect(header).toContain("[('x', '<f4'), ('y', '<f4'), ('cluster', '<i4'), ('score', '<f8'), ('note', '<U");
    expect(header).toContain("'shape': (200,)");
    const rec = 4 + 4 + 4 + 8 + 4 * width;
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 10 + hlen);
    expect(dv.byteLength).toBe(200 * rec);
    for (let i = 0; i < 200; i++) {
      expect(dv.getFloat32(i * rec, true)).toBe(t.coords[2 * i]);
      expect(dv.getFloat32(i * rec + 4, true)).toBe(t.coords[2 * i + 1]);
      expect(dv.getInt32(i * rec + 8, true)).toBe(t.clusters![i]);
    }
    let s = '';
    for (let c = 0; c < width; c++) {
      const cp = dv.getUint32(2 * rec + 20 + 4 * c, true);
      if (cp) s += String.fromCodePoint(cp);
    }
    expect(s).toBe('ünï 😀');
  });

  it('Parquet (read with hyparquet)', async () => {
    const t = table();
    const buf = toParquet(t);
    const rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
    expect(rows.length).toBe(200);
    for (let i = 0; i < 200; i++) {
      expect(rows[i]!.x).toBe(t.coords[2 * i]);
      expect(rows[i]!.y).toBe(t.coords[2 * i + 1]);
      expect(rows[i]!.cluster).toBe(t.clusters![i]);
      expect(rows[i]!.note).toBe((t.meta[1]!.values as string[])[i]);
    }
  });

  it('map file round trip, and clear errors for broken ones', () => {
    const t = table(50);
    const text = toMapFileParts({
      nComponents: 2,
      coords: t.coords,
      labels: Array.from({ length: 50 }, (_, i) => String(i % 3)),
      labelName: 'digit',
      clusters: t.clusters!.subarray(0, 50),
      minClusterSize: 5,
      params: { nNeighbors: 15, seed: 42 },
      link: '?demo=digits',
      meta: t.meta.map((m) => ({ name: m.name, values: m.values.slice(0, 50) })),
      name: 'x.csv',
    }).join('');
    expect(looksLikeMapFile(text.slice(0, 40))).toBe(true);
    expect(looksLikeMapFile('{"rows": []}')).toBe(false);
    const m = parseMapFile(text);
    expect(Array.from(m.coords)).toEqual(Array.from(t.coords));
    expect(m.labels![4]).toBe('1');
    expect(Array.from(m.clusters!)).toEqual(Array.from(t.clusters!.subarray(0, 50)));
    expect(m.params.seed).toBe(42);
    expect(m.link).toBe('?demo=digits');
    expect(Number.isNaN((m.meta![0]!.values as Float64Array)[3])).toBe(true);
    expect((m.meta![1]!.values as string[])[0]).toBe('<img src=x onerror=alert(1)>');
    expect(() => parseMapFile('{"mapstream":1,"n":2,"nComponents":2,"coords":[1,2,3]}', 'm.json')).toThrow(/m.json: "coords" must hold n × nComponents = 4 numbers \(got 3\)/);
    expect(() => parseMapFile('{"mapstream":9}')).toThrow(/version 9/);
    expect(() => parseMapFile('{oops')).toThrow(/not valid JSON/);
  });
});
