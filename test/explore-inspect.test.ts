import { describe, expect, it } from 'vitest';
import { exactNeighbours, graphNeighbours } from '../src/jobs/neighbour-search';
import { clusterLabels } from '../src/ui/map/cluster-labels';
import { clusterColoring, filteredColoring } from '../src/ui/map/coloring';

/** Brute force with plain numbers, to check the bounded insertion list against. */
function bruteForce(data: Float32Array, n: number, d: number, row: number, k: number, cosine: boolean): number[] {
  const dist = (i: number) => {
    let s = 0;
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let c = 0; c < d; c++) {
      const x = data[i * d + c]!;
      const y = data[row * d + c]!;
      s += (x - y) ** 2;
      dot += x * y;
      a += x * x;
      b += y * y;
    }
    return cosine ? 1 - dot / Math.sqrt(a * b) : Math.sqrt(s);
  };
  return Array.from({ length: n }, (_, i) => i)
    .filter((i) => i !== row)
    .sort((p, q) => dist(p) - dist(q) || p - q)
    .slice(0, k);
}

describe('point inspector neighbours', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const n = 300;
  const d = 9;
  const data = Float32Array.from({ length: n * d }, rand);

  it('the exact search finds the k nearest rows, nearest first, without the row itself', () => {
    for (const row of [0, 17, n - 1]) {
      for (const cosine of [false, true]) {
        const out = exactNeighbours(data, n, d, row, 10, cosine ? 'cosine' : 'euclidean');
        expect(Array.from(out.indices)).toEqual(bruteForce(data, n, d, row, 10, cosine));
        for (let j = 1; j < out.distances.length; j++) expect(out.distances[j]!).toBeGreaterThanOrEqual(out.distances[j - 1]!);
      }
    }
  });

  it('k is capped at n − 1, and a row outside the data is refused with a message', () => {
    expect(exactNeighbours(data.subarray(0, 3 * d), 3, d, 1, 15, 'euclidean').indices.length).toBe(2);
    expect(() => exactNeighbours(data, n, d, n, 5, 'euclidean')).toThrow(`Row ${n} is not one of the ${n} rows.`);
  });

  it("a stored graph's row drops the point itself and missing (-1) entries", () => {
    const indices = Int32Array.from([0, 2, 1, 1, 0, -1, 2, 1, 0]);
    const distances = Float32Array.from([0, 0.5, 0.7, 0, 0.2, Infinity, 0, 0.4, 0.5]);
    const g = graphNeighbours(indices, distances, 3, 1);
    expect(Array.from(g.indices)).toEqual([0]);
    expect(Array.from(g.distances)).toEqual([Float32Array.from([0.2])[0]]);
  });
});

describe('legend filter and cluster labels', () => {
  it('a filter greys the categories left out and keeps the chosen ones', () => {
    const c = clusterColoring(Int32Array.from([0, 1, -1, 1]), 1);
    const f = filteredColoring(c, new Set([2]));
    expect(f.codes).toBe(c.codes);
    expect(f.colors[2]).toBe(c.colors[2]);
    expect(f.colors[0]).not.toBe(c.colors[0]);
    expect(f.colors[1]).not.toBe(c.colors[1]);
    // The legend rows carry their codes, so a row toggles the points it counts.
    expect(c.legend?.kind === 'categorical' && c.legend.codes).toEqual([0, 1, 2]);
  });

  it("a cluster's label sits at its centroid and names its majority label (else its id); noise has none", () => {
    const x = Float32Array.from([0, 2, 4, 10, 12, 50]);
    const y = Float32Array.from([0, 0, 3, 1, 1, 50]);
    const clusters = Int32Array.from([0, 0, 0, 1, 1, -1]);
    expect(clusterLabels(x, y, clusters, ['a', 'b', 'b', 'c', 'c', 'z'])).toEqual([
      { text: 'b', x: 2, y: 1, size: 3 },
      { text: 'c', x: 11, y: 1, size: 2 },
    ]);
    expect(clusterLabels(x, y, clusters, null).map((l) => l.text)).toEqual(['cluster 0', 'cluster 1']);
  });
});
