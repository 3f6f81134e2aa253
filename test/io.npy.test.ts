import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource, parseNpy, readNpyHeader, readNpyLabels } from '../src/io';
import { DIGITS_DIR, errorOf, makeNpy, nodeFs } from './io.fixtures';

describe('parseNpy', () => {
  it('reads float32 2-D C-order arrays', () => {
    const v = new Float32Array([1, 2, 3, 4, 5, 6]);
    const ds = parseNpy(makeNpy('<f4', [2, 3], v), 'a.npy');
    expect(ds.n).toBe(2);
    expect(ds.d).toBe(3);
    expect(Array.from(ds.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ds.columns).toEqual(['c0', 'c1', 'c2']);
    expect(ds.fileName).toBe('a.npy');
  });

  it.each([1, 2, 3] as const)('reads header version %i', (version) => {
    const ds = parseNpy(makeNpy('<f4', [2, 2], new Float32Array([7, 8, 9, 10]), { version }));
    expect(Array.from(ds.data)).toEqual([7, 8, 9, 10]);
  });

  it('converts float64 to float32', () => {
    const ds = parseNpy(makeNpy('<f8', [2, 2], new Float64Array([0.1, 2, 3, 1e-3])));
    expect(ds.data).toEqual(new Float32Array([0.1, 2, 3, 1e-3]));
  });

  it('works on a Uint8Array view with an unaligned offset', () => {
    const file = makeNpy('<f8', [2, 2], new Float64Array([1.5, -2, 0, 1]));
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const ds = parseNpy(shifted.subarray(3));
    expect(Array.from(ds.data)).toEqual([1.5, -2, 0, 1]);
  });

  it('rejects bad magic', () => {
    const e = errorOf(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n'), 'x.npy'));
    expect(e.message).toMatch(/not a \.npy file/);
  });

  it('rejects an empty file', () => {
    expect(errorOf(() => parseNpy(new Uint8Array(0), 'e.npy')).message).toMatch(/e\.npy is empty/);
  });

  it('rejects a truncated file, naming expected and actual bytes', () => {
    const file = makeNpy('<f4', [4, 4], new Float32Array(16));
    const e = errorOf(() => parseNpy(file.subarray(0, file.length - 10), 't.npy'));
    expect(e.message).toMatch(/truncated/);
    expect(e.message).toMatch(/64 bytes/);
    expect(e.message).toMatch(/only 54/);
  });

  it('rejects a header cut short', () => {
    const file = makeNpy('<f4', [1, 1], new Float32Array(1));
    expect(errorOf(() => parseNpy(file.subarray(0, 30))).message).toMatch(/truncated/);
  });

  it('names an unsupported dtype', () => {
    const e = errorOf(() => parseNpy(makeNpy('<i8', [2, 2], new BigInt64Array(4))));
    expect(e.message).toContain("unsupported dtype '<i8'; mapstream reads float16/32/64, int8/16/32 and uint8/16/32");
  });

  it('rejects big-endian floats', () => {
    expect(errorOf(() => parseNpy(makeNpy('>f4', [1, 1], new Float32Array(1)))).message).toContain("'>f4'");
  });

  it('reads Fortran order as the same matrix', () => {
    // Column-major storage of [[1, 2, 3], [4, 5, 6]].
    const ds = parseNpy(makeNpy('<f4', [2, 3], new Float32Array([1, 4, 2, 5, 3, 6]), { fortran: true }));
    expect(Array.from(ds.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['<f2', new Uint16Array([0x3c00, 0xc000, 0x3800, 0x0000])],
    ['|i1', new Int8Array([1, -2, 0, 0])],
    ['|u1', new Uint8Array([1, 254, 0, 0])],
    ['<i2', new Int16Array([1, -2, 0, 0])],
    ['<u2', new Uint16Array([1, 65534, 0, 0])],
    ['<i4', new Int32Array([1, -2, 0, 0])],
    ['<u4', new Uint32Array([1, 4294967294, 0, 0])],
  ] as const)('converts %s to float32', (descr, values) => {
    const ds = parseNpy(makeNpy(descr, [2, 2], values));
    const expected = descr === '<f2' ? [1, -2, 0.5, 0] : Array.from(values as ArrayLike<number>, Number).map(Math.fround);
    expect(Array.from(ds.data)).toEqual(expected);
  });

  it('names object and structured dtypes', () => {
    expect(errorOf(() => parseNpy(makeNpy('|O', [2, 2], new Float64Array(4)))).message).toMatch(/unsupported dtype '\|O' \(Python objects/);
    const structured = new TextDecoder('latin1').decode(makeNpy('<f4', [2, 2], new Float32Array(4))).replace("'descr': '<f4'", "'descr': [('a', '<f4')]");
    expect(errorOf(() => parseNpy(Uint8Array.from(structured, (c) => c.charCodeAt(0)))).message).toMatch(/structured \(record\) dtype/);
  });

  it('rejects a header whose shape does not match the data', () => {
    expect(errorOf(() => parseNpy(makeNpy('<f4', [2, 2], new Float32Array(8)))).message).toMatch(/header's shape is wrong/);
  });

  it('rejects a single row', () => {
    expect(errorOf(() => parseNpy(makeNpy('<f4', [1, 2], new Float32Array(2)))).message).toMatch(/only 1 row/);
  });

  it.each([[[6]], [[1, 2, 3]], [[]]])('rejects shape %j as not 2-D', (shape) => {
    const count = shape.reduce((a, b) => a * b, 1);
    expect(errorOf(() => parseNpy(makeNpy('<f4', shape, new Float32Array(count)))).message).toMatch(/2-D/);
  });

  it('names the first NaN by row and column', () => {
    const v = new Float32Array([0, 1, 2, 3, 4, NaN, Infinity, 0, 0]);
    const e = errorOf(() => parseNpy(makeNpy('<f4', [3, 3], v), 'nan.npy'));
    expect(e.message).toMatch(/NaN at row 2, column 3/);
    expect(e.row).toBe(2);
    expect(e.column).toBe('3');
  });

  it('names Inf, including float64 values that overflow float32', () => {
    const e = errorOf(() => parseNpy(makeNpy('<f8', [1, 2], new Float64Array([1, 1e300]))));
    expect(e.message).toMatch(/infinite value at row 1, column 2/);
  });
});

describe('readNpyLabels', () => {
  it.each([
    ['|u1', new Uint8Array([3, 1, 2])],
    ['|i1', new Int8Array([3, 1, 2])],
    ['<i2', new Int16Array([3, 1, 2])],
    ['<u2', new Uint16Array([3, 1, 2])],
    ['<i4', new Int32Array([3, 1, 2])],
    ['<u4', new Uint32Array([3, 1, 2])],
    ['<i8', new BigInt64Array([3n, 1n, 2n])],
    ['<u8', new BigUint64Array([3n, 1n, 2n])],
  ] as const)('reads %s labels', (descr, arr) => {
    expect(readNpyLabels(makeNpy(descr, [3], arr)).labels).toEqual(['3', '1', '2']);
  });

  it('reads negative int64 and unicode labels', () => {
    expect(readNpyLabels(makeNpy('<i8', [2], new BigInt64Array([-5n, 9n]))).labels).toEqual(['-5', '9']);
    const u = new Uint32Array(6);
    for (const [i, c] of [...'cat'].entries()) u[i] = c.codePointAt(0)!;
    for (const [i, c] of [...'ox'].entries()) u[3 + i] = c.codePointAt(0)!;
    expect(readNpyLabels(makeNpy('<U3', [2], u)).labels).toEqual(['cat', 'ox']);
  });

  it('rejects 2-D labels', () => {
    expect(errorOf(() => readNpyLabels(makeNpy('<i4', [2, 2], new Int32Array(4)))).message).toMatch(/must be 1-D/);
  });
});

describe('digits.npy', async () => {
  const fs = await nodeFs();
  const npy = fs.readFileSync(`${DIGITS_DIR}/digits.npy`);
  const lab = fs.readFileSync(`${DIGITS_DIR}/digits.labels.npy`);

  it('parses the header', () => {
    expect(readNpyHeader(npy)).toMatchObject({ version: 1, descr: '<f4', fortranOrder: false, shape: [1797, 64] });
  });

  it('parses data and labels, paired in either order', async () => {
    const ds = parseNpy(npy, 'digits.npy');
    expect([ds.n, ds.d]).toEqual([1797, 64]);
    const labels = readNpyLabels(lab, 'digits.labels.npy').labels;
    expect(labels.slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const order of [
      [memorySource('digits.labels.npy', lab), memorySource('digits.npy', npy)],
      [memorySource('digits.npy', npy), memorySource('digits.labels.npy', lab)],
    ]) {
      const paired = await ingestSources(order);
      expect(paired.n).toBe(1797);
      expect(paired.data).toEqual(ds.data);
      expect(paired.labels).toEqual(labels);
      expect(paired.labelName).toBe('digits.labels');
    }
  });

  it('rejects a labels file of the wrong length', async () => {
    const short = makeNpy('|u1', [5], new Uint8Array(5));
    await expect(ingestSources([memorySource('digits.npy', npy), memorySource('l.npy', short)])).rejects.toThrow(/5 labels but digits\.npy has 1797 rows/);
  });
});
