import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { packDataset, packStrings, unpackDataset, unpackStrings } from '../src/jobs/packed-strings';

describe('packed string columns', () => {
  it('unpack to the same strings, dictionary or joined, for any column (empty strings and astral characters too)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('cat', 'dog', '')), { maxLength: 300 }), (values) => {
        expect(unpackStrings(packStrings(values))).toEqual(values);
      }),
      { numRuns: 200, seed: 20261202 },
    );
  });

  it('read a column the map library stored before kinds ({ joined, ends })', () => {
    expect(unpackStrings({ joined: 'ab cde', ends: Uint32Array.from([2, 3, 6]) })).toEqual(['ab', ' ', 'cde']);
  });

  it('choose a dictionary for classes and one joined string for file names', () => {
    const classes = Array.from({ length: 1000 }, (_, i) => ['cat', 'dog', 'bird'][i % 3]!);
    const names = Array.from({ length: 1000 }, (_, i) => `img_${i}.jpg`);
    expect(packStrings(classes).kind).toBe('dict');
    expect(packStrings(names).kind).toBe('joined');
  });

  it('round-trip a dataset: labels and string metadata packed, numeric metadata as it is, every buffer listed for transfer', () => {
    const ds = {
      data: new Float32Array(6),
      n: 3,
      d: 2,
      columns: ['a', 'b'],
      fileName: 'x.csv',
      labels: ['p', 'q', 'p'],
      metadata: [
        { name: 'file', values: ['1.jpg', '2.jpg', '3.jpg'] },
        { name: 'score', values: Float64Array.from([1, 2, 3]) },
      ],
    };
    const { wire, transfers } = packDataset(ds);
    expect(transfers).toHaveLength(2);
    expect(unpackDataset(structuredClone(wire))).toEqual(ds);
  });

  it('pack the labels once where they are also a metadata column, and unpack them as one array', () => {
    const labels = ['a', 'b', 'a', 'c'];
    const ds = { data: new Float32Array(4), n: 4, d: 1, columns: ['x'], fileName: 'l.csv', labels, metadata: [{ name: 'label', values: labels }] };
    const { wire, transfers } = packDataset(ds);
    expect(transfers).toHaveLength(1);
    const back = unpackDataset(structuredClone(wire, { transfer: transfers }));
    expect(back.labels).toEqual(labels);
    expect(back.metadata![0]!.values).toBe(back.labels);
  });
});
