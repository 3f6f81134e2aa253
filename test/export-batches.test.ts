import { describe, expect, it } from 'vitest';
import { parquetReadObjects } from 'hyparquet';
import { toCsvParts } from '../src/export/csv';
import { parseMapFile, toMapFileParts } from '../src/export/map-file';
import { toNpy } from '../src/export/npy';
import { toParquet } from '../src/export/parquet';
import type { ExportTable } from '../src/export/table';
import { parseCsv } from './helpers/read-csv';

// A map of 6 fitted points with two added batches (2 and 1 points).
const batch = Uint16Array.from([0, 0, 0, 0, 0, 0, 1, 1, 2]);
const n = batch.length;
const coords = Float32Array.from({ length: 2 * n }, (_, i) => i * 0.37 - 2);
const clusters = Int32Array.from([0, 0, 1, 1, -1, 0, 1, -1, 0]);
const table = (): ExportTable => ({ coords, nComponents: 2, rows: null, clusters, batch, meta: [{ name: 'note', values: Array.from({ length: n }, (_, i) => `p${i}`) }] });

describe('exports of a map with added batches carry a batch column', () => {
  it('CSV', () => {
    const rows = parseCsv(toCsvParts(table()).join(''));
    expect(rows[0]).toEqual(['x', 'y', 'cluster', 'batch', 'note']);
    expect(rows.slice(1).map((r) => Number(r[3]))).toEqual(Array.from(batch));
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual(Array.from(clusters));
  });

  it('.npy', () => {
    const bytes = toNpy(table());
    const hlen = bytes[8]! | (bytes[9]! << 8);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
    expect(header).toContain("[('x', '<f4'), ('y', '<f4'), ('cluster', '<i4'), ('batch', '<i4'), ('note', '<U2')]");
    const rec = 4 * 4 + 8;
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 10 + hlen);
    expect(Array.from({ length: n }, (_, i) => dv.getInt32(i * rec + 12, true))).toEqual(Array.from(batch));
  });

  it('Parquet', async () => {
    const rows = (await parquetReadObjects({ file: toParquet(table()) })) as Record<string, unknown>[];
    expect(rows.map((r) => r.batch)).toEqual(Array.from(batch));
    expect(Object.keys(rows[0]!)).toEqual(['x', 'y', 'cluster', 'batch', 'note']);
  });

  it('a selection keeps each row’s batch, and a wrong length is named', () => {
    const rows = parseCsv(toCsvParts({ ...table(), rows: Uint32Array.from([2, 7]) }).join(''));
    expect(rows.slice(1).map((r) => r[3])).toEqual(['0', '1']);
    expect(() => toCsvParts({ ...table(), batch: batch.subarray(0, 4) })).toThrow('Batch numbers cover 4 points but the map has 9.');
  });

  it('a map without added points has no batch column', () => {
    expect(parseCsv(toCsvParts({ ...table(), batch: null }).join(''))[0]).toEqual(['x', 'y', 'cluster', 'note']);
  });
});

describe('map file version 2 stores added batches', () => {
  const file = () => ({
    nComponents: 2,
    coords,
    clusters,
    params: { seed: 42 },
    name: 'x.csv',
    labels: Array.from({ length: n }, (_, i) => String(i % 2)),
    batches: { names: ['week 2', 'week 3'], of: batch },
  });

  it('round trips the added points, their batches and their clusters', () => {
    const text = toMapFileParts(file()).join('');
    expect(text.startsWith('{"mapstream":2,')).toBe(true);
    const m = parseMapFile(text);
    expect(Array.from(m.coords)).toEqual(Array.from(coords));
    expect(Array.from(m.clusters!)).toEqual(Array.from(clusters));
    expect(m.batches!.names).toEqual(['week 2', 'week 3']);
    expect(Array.from(m.batches!.of)).toEqual(Array.from(batch));
  });

  it('still opens version 1 files, which have no batches', () => {
    const m = parseMapFile('{"mapstream":1,"name":"old","n":2,"nComponents":2,"params":{},"coords":[1,2,3,4],"clusters":[0,-1]}');
    expect(Array.from(m.coords)).toEqual([1, 2, 3, 4]);
    expect(m.batches).toBeUndefined();
  });

  it('names a bad batch list', () => {
    const bad = (of: number[]) => toMapFileParts({ ...file(), batches: { names: ['a'], of: Uint16Array.from(of) } }).join('');
    expect(() => parseMapFile(bad([0, 0, 0, 0, 0, 0, 1, 2, 1]), 'm.json')).toThrow('m.json: point 8 has batch 2; the file names 1 batches.');
    expect(() => parseMapFile(bad([0, 0, 0, 0, 0, 1, 0, 1, 1]), 'm.json')).toThrow('m.json: point 7 is in batch 0 after a point of batch 1; batches must follow the fitted points in order.');
    expect(() => parseMapFile(bad([0, 1]), 'm.json')).toThrow('m.json: "batches.of" must hold a batch number for each of the 9 points.');
  });
});
