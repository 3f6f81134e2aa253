// "Refit with all points": the rows and starting coordinates of the fitted map and its batches, in
// order, and the dataset the refit runs on.
import { describe, expect, it } from 'vitest';
import { createRoot } from 'solid-js';
import { assembleRefit, createRefit, refitIngested, type RefitPart } from '../src/ui/store/refit';
import type { Ingested } from '../src/jobs/ingest-client';
import type { MapBatch } from '../src/ui/store/map-batches';
import type { WarmStart } from '../src/jobs/engine-api';
import { resolveParams } from '../src/jobs/engine-api';

const rows = (n: number, d: number, base: number) => ({ data: Float32Array.from({ length: n * d }, (_, i) => base + i), n, d });
const coords = (n: number, base: number) => Float32Array.from({ length: 2 * n }, (_, i) => base + i / 10);

const fittedIng: Ingested = {
  dataset: {
    ...rows(3, 2, 0),
    columns: ['a', 'b'],
    fileName: 'f.csv',
    labels: ['x', 'y', 'x'],
    labelName: 'label',
    metadata: [
      { name: 'label', values: ['x', 'y', 'x'] },
      { name: 'score', values: Float64Array.from([1, 2, 3]) },
    ],
  },
  categories: null,
};
const parts: RefitPart[] = [
  { name: 'fitted map', rows: fittedIng.dataset, coords: coords(3, 0), metadata: fittedIng.dataset.metadata! },
  { name: 'week 1', rows: rows(2, 2, 100), coords: coords(2, 50), metadata: [{ name: 'label', values: ['y', 'z'] }] },
  { name: 'week 2', rows: rows(1, 2, 200), coords: coords(1, 80), metadata: [{ name: 'score', values: Float64Array.from([9]) }] },
];

describe('refit with all points', () => {
  it('puts the fitted rows first, then each batch, with their coordinates in the same order', () => {
    const r = assembleRefit(parts, 2);
    expect(r.rows.n).toBe(6);
    expect(r.rows.d).toBe(2);
    expect(Array.from(r.rows.data)).toEqual([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 200, 201]);
    expect(Array.from(r.init)).toEqual([...coords(3, 0), ...coords(2, 50), ...coords(1, 80)]);
    expect(Array.from(r.partOf)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(r.names).toEqual(['fitted map', 'week 1', 'week 2']);
  });

  it('names the part whose rows do not match its points or the map', () => {
    expect(() => assembleRefit([parts[0]!, { ...parts[1]!, rows: rows(2, 3, 0) }], 2)).toThrow('"week 1" has 3 dimensions, but the map\'s rows have 2.');
    expect(() => assembleRefit([parts[0]!, { ...parts[1]!, coords: coords(3, 0) }], 2)).toThrow('"week 1" has 2 rows but 3 points on the map; its rows are not the ones it placed.');
  });

  it('carries labels and metadata on, and adds a batch column', () => {
    const input = assembleRefit(parts, 2);
    const ing = refitIngested(fittedIng, parts, input);
    const ds = ing.dataset;
    expect(ds.n).toBe(6);
    expect(ds.fileName).toBe('f.csv + 3 added');
    expect(ds.labels).toEqual(['x', 'y', 'x', 'y', 'z', '']);
    const col = (name: string): unknown[] => Array.from(ds.metadata!.find((c) => c.name === name)!.values as ArrayLike<unknown>);
    expect(col('score')).toEqual([1, 2, 3, Number.NaN, Number.NaN, 9]);
    expect(col('batch')).toEqual(['fitted map', 'fitted map', 'fitted map', 'week 1', 'week 1', 'week 2']);
    expect(ing.categories).not.toBeNull();
  });

  it('starts the fit from the current positions with the warm start', async () => {
    const batch = (name: string, p: RefitPart): MapBatch => ({ name, coords: p.coords, m: p.rows.n, clusters: new Int32Array(p.rows.n), metadata: p.metadata, advice: [] });
    let started: { ing: Ingested; warm: WarmStart } | null = null;
    const failures: unknown[] = [];
    await createRoot(async (dispose) => {
      const refit = createRefit({
        coords: () => parts[0]!.coords,
        batches: () => [batch('week 1', parts[1]!), batch('week 2', parts[2]!)],
        fitted: async () => fittedIng,
        batchRows: async () => [parts[1]!.rows, parts[2]!.rows],
        run: (ing, warm) => {
          started = { ing, warm: warm(resolveParams({ nNeighbors: 2 }, ing.dataset.n)) };
        },
        fail: (e) => failures.push(e),
      });
      await refit.refitWithAll();
      expect(refit.busy()).toBe(false);
      dispose();
    });
    expect(failures).toEqual([]);
    const s = started as unknown as { ing: Ingested; warm: WarmStart };
    expect(s.ing.dataset.n).toBe(6);
    expect(Array.from(s.warm.init)).toEqual([...coords(3, 0), ...coords(2, 50), ...coords(1, 80)]);
    expect(s.warm.nEpochs).toBe(50);
  });

  it('says why when the batches rows are gone', async () => {
    const failures: Error[] = [];
    await createRoot(async (dispose) => {
      const refit = createRefit({
        coords: () => parts[0]!.coords,
        batches: () => [{ name: 'week 1', coords: parts[1]!.coords, m: 2, clusters: new Int32Array(2), metadata: [], advice: [] }],
        fitted: async () => fittedIng,
        batchRows: async () => [],
        run: () => {},
        fail: (e) => failures.push(e as Error),
      });
      await refit.refitWithAll();
      dispose();
    });
    expect(failures.map((e) => e.message)).toEqual(['The rows of 1 added batch(es) are no longer stored, so the map cannot be refitted with them.']);
  });
});
