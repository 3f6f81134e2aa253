// The bench reads .npy input through the app's reader (src/io/npy.ts): every dtype and order the app
// reads must come out of the bench's path exactly as the app parses it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../src/io/npy';
import { readNpyLabelCodes, readNpyMatrix } from '../bench/node/npy-file';
import { encodeNpy, npyHeader } from '../bench/npy-writer';

const dir = mkdtempSync(join(tmpdir(), 'bench-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, descr: string, shape: number[], body: ArrayBufferView, fortranOrder = false): { path: string; bytes: Uint8Array } {
  const head = npyHeader(descr, shape, fortranOrder);
  const bytes = new Uint8Array(head.length + body.byteLength);
  bytes.set(head, 0);
  bytes.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), head.length);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

// A 3 × 2 matrix, row-major, and the same values column-major for the Fortran-order files.
const VALUES = [1.5, -2, 0.25, 3, 0, -0.5];
const columnMajor = <T extends { [i: number]: number }>(out: T, rowMajor: ArrayLike<number>, n: number, d: number): T => {
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j * n + i] = rowMajor[i * d + j]!;
  return out;
};
// float16 bit patterns of VALUES.
const HALF = [0x3e00, 0xc000, 0x3400, 0x4200, 0x0000, 0xb800];

const cases: { name: string; descr: string; body: ArrayBufferView; fortran?: boolean; expected: number[] }[] = [
  { name: 'f2.npy', descr: '<f2', body: Uint16Array.from(HALF), expected: VALUES },
  { name: 'i2.npy', descr: '<i2', body: Int16Array.from([-300, 2, 7, 32767, -32768, 0]), expected: [-300, 2, 7, 32767, -32768, 0] },
  { name: 'u1.npy', descr: '|u1', body: Uint8Array.from([0, 1, 128, 255, 7, 9]), expected: [0, 1, 128, 255, 7, 9] },
  { name: 'f4-fortran.npy', descr: '<f4', body: columnMajor(new Float32Array(6), VALUES, 3, 2), fortran: true, expected: VALUES },
  { name: 'i2-fortran.npy', descr: '<i2', body: columnMajor(new Int16Array(6), [1, 2, 3, 4, 5, 6], 3, 2), fortran: true, expected: [1, 2, 3, 4, 5, 6] },
  { name: 'f2-fortran.npy', descr: '<f2', body: columnMajor(new Uint16Array(6), HALF, 3, 2), fortran: true, expected: VALUES },
  { name: 'f8.npy', descr: '<f8', body: Float64Array.from(VALUES), expected: VALUES },
];

describe("the bench's .npy path", () => {
  for (const c of cases) {
    it(`reads ${c.name} exactly as the app does`, async () => {
      const { path, bytes } = file(c.name, c.descr, [3, 2], c.body, c.fortran);
      const app = parseNpy(bytes, c.name);
      const bench = await readNpyMatrix(path);
      expect([bench.n, bench.d]).toEqual([3, 2]);
      expect([app.n, app.d]).toEqual([3, 2]);
      expect(Array.from(bench.data)).toEqual(Array.from(app.data));
      expect(Array.from(bench.data)).toEqual(c.expected);
    });
  }

  it('refuses what the app refuses, with the app message', async () => {
    const { path, bytes } = file('i8.npy', '<i8', [2, 2], new BigInt64Array(4));
    expect(() => parseNpy(bytes, 'i8.npy')).toThrow(/unsupported dtype '<i8'/);
    await expect(readNpyMatrix(path)).rejects.toThrow(/unsupported dtype '<i8'/);
  });

  it('reads labels of any integer dtype as codes, and what the one writer writes', async () => {
    const { path } = file('labels.npy', '|u1', [5], Uint8Array.from([3, 3, 9, 0, 9]));
    expect(Array.from(await readNpyLabelCodes(path))).toEqual([0, 0, 1, 2, 1]);
    const written = join(dir, 'written.npy');
    writeFileSync(written, encodeNpy(Float32Array.from(VALUES), [3, 2]));
    expect(Array.from((await readNpyMatrix(written)).data)).toEqual(VALUES);
  });
});
