import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../src/jobs/engine-api';
import { DEFAULT_FORM, readParams } from '../src/ui/params-form-model';
import { searchRows } from '../src/ui/store/map-selection';
import { tooltipContent } from '../src/ui/map/tooltip-content';

describe('the parameter form', () => {
  it('starts from the engine defaults, and reads back as them', () => {
    const { nNeighbors, minDist, spread, nEpochs, metric, seed, nComponents } = DEFAULT_PARAMS;
    expect(readParams(DEFAULT_FORM)).toEqual({ nNeighbors, minDist, spread, nEpochs, metric, seed, nComponents });
  });

  it('shows real-valued defaults as reals', () => {
    expect(DEFAULT_FORM.spread).toBe('1.0');
    expect(DEFAULT_FORM.minDist).toBe('0.1');
    expect(DEFAULT_FORM.nEpochs).toBe('auto');
  });
});

describe('map explorer helpers', () => {
  const meta = [
    { name: 'word', values: ['Apple', 'pear', 'apricot'] },
    { name: 'score', values: new Float64Array([1.5, NaN, 12]) },
  ];

  it('search finds rows with any cell containing the query, case-insensitively', () => {
    expect(searchRows(meta, 3, 'ap')).toEqual([0, 2]);
    expect(searchRows(meta, 3, '12')).toEqual([2]);
    expect(searchRows(meta, 3, 'zzz')).toEqual([]);
  });

  it('search gives the same rows however often a text repeats, past the distinct texts it remembers', () => {
    // Repeated labels (tested once each) and 15,000 distinct ids (more than are remembered).
    const n = 15_000;
    const cols = [
      { name: 'label', values: Array.from({ length: n }, (_, i) => ['Cat', 'dog', 'CATFISH'][i % 3]!) },
      { name: 'id', values: Array.from({ length: n }, (_, i) => `row-${i}`) },
    ];
    const scan = (q: string) => Array.from({ length: n }, (_, i) => i).filter((i) => cols.some((c) => c.values[i]!.toLowerCase().includes(q.toLowerCase())));
    for (const q of ['cat', 'DOG', 'row-1499', 'fish', '-14999', 'x']) expect(searchRows(cols, n, q), q).toEqual(scan(q));
  });

  it('the tooltip names the row, its cluster and its cells', () => {
    expect(tooltipContent(1, 3, Int32Array.from([0, -1, 2]), meta)).toEqual({
      title: 'row 2',
      rows: [
        ['cluster', 'noise'],
        ['word', 'pear'],
        ['score', ''],
      ],
    });
    expect(tooltipContent(null, 3, null, meta)).toBeNull();
    expect(tooltipContent(5, 3, null, meta)).toBeNull();
  });
});
