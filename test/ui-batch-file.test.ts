// A map kept in the library takes a batch as the map shown does: joinMapFile is splitMapFile's inverse,
// and placeBatch gives the batch its clusters from the fitted points (or noise on a map without clusters).
import { describe, expect, it } from 'vitest';
import type { MapFile } from '../src/export/map-file';
import { joinMapFile, splitMapFile } from '../src/ui/store/map-batch-file';
import { fittedPredictor, placeBatch, type MapBatch } from '../src/ui/store/map-batches';
import { normalizeToUnitSquare } from '../src/ui/normalize';

// Two tight clusters, 40 points each, at x = 0 and x = 10.
const n = 80;
const coords = Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? (k / 2 < 40 ? 0 : 10) + ((k * 7919) % 13) / 50 : ((k * 104729) % 17) / 50));
const clusters = Int32Array.from({ length: n }, (_, i) => (i < 40 ? 0 : 1));
const fitted: MapFile = {
  nComponents: 2,
  coords,
  clusters,
  minClusterSize: 5,
  labels: Array.from({ length: n }, (_, i) => (i < 40 ? 'a' : 'b')),
  labelName: 'label',
  meta: [{ name: 'note', values: Array.from({ length: n }, (_, i) => `f${i}`) }],
  params: { nNeighbors: 15 },
  name: 'two.csv',
};

/** Two new points, one on a point of each cluster, whose nearest fitted rows are in that cluster. */
const placed = {
  parent: 'fit-1',
  embedding: Float32Array.of(coords[0]!, coords[1]!, coords[80]!, coords[81]!),
  m: 2,
  nComponents: 2,
  indices: Int32Array.of(0, 1, 2, 40, 41, 42),
  distances: Float32Array.of(0.1, 0.2, 0.3, 0.1, 0.2, 0.3),
  k: 3,
  meanNearestDistance: 0.1,
  fittedMeanKnnDistance: 0.2,
};
const metadata = [
  { name: 'note', values: ['n0', 'n1'] },
  { name: 'label', values: ['b', 'a'] },
];

describe('a batch for a stored map', () => {
  it('takes its clusters from the fitted points', () => {
    const shown = normalizeToUnitSquare(coords, 2);
    const b = placeBatch(fittedPredictor(shown.x, shown.y, clusters, 5), coords, placed, 'new.csv', metadata);
    expect(Array.from(b.clusters)).toEqual([0, 1]);
    expect([b.name, b.m]).toEqual(['new.csv', 2]);
    expect(Array.from(placeBatch(null, coords, placed, ' ', metadata).clusters)).toEqual([-1, -1]);
  });

  it('joinMapFile puts the batches after the fitted points, and splitMapFile takes them apart again', () => {
    const b: MapBatch = { name: 'new.csv', coords: placed.embedding, m: 2, clusters: Int32Array.of(0, 1), metadata, advice: [] };
    const joined = joinMapFile(fitted, [b]);
    expect(joined.coords.length).toBe(2 * (n + 2));
    expect(Array.from(joined.coords.subarray(2 * n))).toEqual(Array.from(placed.embedding));
    expect(Array.from(joined.batches!.of.subarray(n - 1))).toEqual([0, 1, 1]);
    expect(joined.batches!.names).toEqual(['new.csv']);
    expect(joined.labels!.slice(n)).toEqual(['b', 'a']);
    expect(joined.meta![0]!.values.slice(n)).toEqual(['n0', 'n1']);
    expect(Array.from(joined.clusters!.subarray(n))).toEqual([0, 1]);
    const { fitted: back, batches } = splitMapFile(joined);
    expect(Array.from(back.coords)).toEqual(Array.from(coords));
    expect(back.labels).toEqual(fitted.labels);
    expect(Array.from(back.clusters!)).toEqual(Array.from(clusters));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.name).toBe('new.csv');
    expect(Array.from(batches[0]!.coords)).toEqual(Array.from(placed.embedding));
    expect(batches[0]!.metadata.find((c) => c.name === 'note')!.values).toEqual(['n0', 'n1']);
    // A second batch goes after the first.
    const again = joinMapFile(back, [...batches, { ...b, name: 'more.csv' }]);
    expect(again.batches!.names).toEqual(['new.csv', 'more.csv']);
    expect(Array.from(again.batches!.of.subarray(n))).toEqual([1, 1, 2, 2]);
  });
});
