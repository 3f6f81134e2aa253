import { describe, expect, it } from 'vitest';
import { FAR_BATCH_RATIO, LARGE_BATCH_SHARE, batchAdvice } from '../src/ui/store/map-batch-advice';

const base = { batchSize: 297, fittedSize: 1500, meanNearestDistance: 10, fittedMeanKnnDistance: 12 };

describe('large or far batch advice', () => {
  it('says nothing for a small batch near the map', () => {
    expect(batchAdvice(base)).toEqual([]);
  });

  it('warns about a batch over half the map', () => {
    const [msg, ...rest] = batchAdvice({ ...base, batchSize: 3100, fittedSize: 5000 });
    expect(msg).toMatch(/^This batch is 62 % of the map's size \(3,100 new points, 5,000 fitted\)/);
    expect(rest).toEqual([]);
    expect(batchAdvice({ ...base, batchSize: 750 })).toEqual([]); // exactly 50 %: not over
    expect(batchAdvice({ ...base, batchSize: 751 })).toHaveLength(1);
    expect(LARGE_BATCH_SHARE).toBe(0.5);
  });

  it('warns about a batch far from the map', () => {
    const [msg] = batchAdvice({ ...base, meanNearestDistance: 37.2 });
    expect(msg).toMatch(/^These points are far from the fitted map \(mean neighbour distance 3\.1× the map's\)/);
    expect(batchAdvice({ ...base, meanNearestDistance: FAR_BATCH_RATIO * 12 })).toEqual([]);
  });

  it('gives both reasons, and copes with a map of identical points', () => {
    expect(batchAdvice({ batchSize: 10, fittedSize: 10, meanNearestDistance: 1, fittedMeanKnnDistance: 20 / 1e9 })).toHaveLength(2);
    expect(batchAdvice({ ...base, fittedMeanKnnDistance: 0, meanNearestDistance: 0 })).toEqual([]);
    expect(batchAdvice({ ...base, fittedMeanKnnDistance: 0, meanNearestDistance: 1 })[0]).toMatch(/far above the map's/);
  });
});
