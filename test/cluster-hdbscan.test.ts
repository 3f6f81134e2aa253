import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { UmapEngine, resolveParams } from '../src/engine';
import { defaultMinClusterSize, hdbscan } from '../src/cluster/hdbscan';
import { buildKdTree, kthNeighbourDistances } from '../src/cluster/kd-tree';
import { mutualReachabilityMst } from '../src/cluster/mst';
import { adjustedRandIndex, canonicalLabels, matchToPrevious } from '../src/cluster/stable-labels';
import { Rng } from '../src/engine/prng';

function readNpy(file: string): { bytes: Buffer; offset: number } {
  const buf = readFileSync(new URL(file, import.meta.url));
  return { bytes: buf, offset: 10 + buf.readUInt16LE(8) };
}

function blobs(n: number, centres: [number, number][], sd: number, seed = 1) {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centres.length;
    truth[i] = c;
    x[i] = centres[c]![0] + sd * rng.normal();
    y[i] = centres[c]![1] + sd * rng.normal();
  }
  return { x, y, truth };
}

/** Prim's algorithm on the dense mutual-reachability matrix: the reference the Borůvka tree must match. */
function denseMstWeight(x: Float64Array, y: Float64Array, core: Float64Array): number {
  const n = x.length;
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  best[0] = 0;
  let total = 0;
  for (let it = 0; it < n; it++) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || best[i]! < best[u]!)) u = i;
    inTree[u] = 1;
    total += best[u]!;
    for (let v = 0; v < n; v++) {
      if (inTree[v]) continue;
      const w = Math.max(core[u]!, core[v]!, Math.hypot(x[u]! - x[v]!, y[u]! - y[v]!));
      if (w < best[v]!) best[v] = w;
    }
  }
  return total;
}

describe('kd-tree and mutual-reachability MST', () => {
  it('core distances equal brute force', () => {
    const { x, y } = blobs(
      500,
      [
        [0, 0],
        [3, 1],
      ],
      1,
    );
    const core = kthNeighbourDistances(buildKdTree(x, y), 5);
    for (let i = 0; i < 500; i += 37) {
      const d = Array.from(x, (_, j) => Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!)).sort((a, b) => a - b);
      expect(core[i]).toBeCloseTo(d[4]!, 12);
    }
  });

  it('Borůvka tree has the dense Prim tree weight, with n - 1 edges', () => {
    const { x, y } = blobs(
      700,
      [
        [0, 0],
        [5, 0],
        [0, 5],
      ],
      1,
      7,
    );
    const tree = buildKdTree(x, y);
    const core = kthNeighbourDistances(tree, 5);
    const mst = mutualReachabilityMst(tree, core);
    expect(mst.w.length).toBe(699);
    const total = mst.w.reduce((s, w) => s + w, 0);
    expect(total).toBeCloseTo(denseMstWeight(x, y, core), 9);
  });
});

describe('hdbscan', () => {
  it('finds well-separated blobs and marks a far outlier as noise', () => {
    const { x, y, truth } = blobs(
      1200,
      [
        [0, 0],
        [10, 0],
        [0, 10],
        [10, 10],
      ],
      0.7,
      3,
    );
    const xs = Float64Array.from([...x, 100]);
    const ys = Float64Array.from([...y, -100]);
    const r = hdbscan(xs, ys, { minClusterSize: 20 });
    expect(r.clusterCount).toBe(4);
    expect(r.labels[1200]).toBe(-1);
    expect(adjustedRandIndex(r.labels.subarray(0, 1200), truth)).toBeGreaterThan(0.95);
  });

  it('handles duplicates, tiny inputs and rejects bad options', () => {
    const same = hdbscan(new Float64Array(50).fill(1), new Float64Array(50).fill(2), { minClusterSize: 5 });
    expect(same.labels.length).toBe(50);
    expect(hdbscan([0, 1], [0, 1], { minClusterSize: 5 }).clusterCount).toBe(0);
    expect(() => hdbscan([0], [0], { minClusterSize: 1 })).toThrow(/at least 2/);
    expect(() => hdbscan([0, NaN], [0, 0], { minClusterSize: 2 })).toThrow(/non-finite/);
  });

  it('reaches ARI >= 0.75 against the labels on the digits UMAP map', async () => {
    const d = readNpy('../public/demo/digits/digits.npy');
    const data = new Float32Array(d.bytes.buffer.slice(d.bytes.byteOffset + d.offset, d.bytes.byteOffset + d.bytes.length));
    const l = readNpy('../public/demo/digits/digits.labels.npy');
    const truth = Int32Array.from(l.bytes.subarray(l.offset));
    const n = 1797;
    const engine = new UmapEngine({ data, n, d: 64 }, resolveParams({}, n));
    await engine.run();
    const emb = engine.result().embedding;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = emb[2 * i]!;
      y[i] = emb[2 * i + 1]!;
    }
    const r = hdbscan(x, y, { minClusterSize: defaultMinClusterSize(n) });
    const ari = adjustedRandIndex(r.labels, truth);
    console.log(`digits: ${r.clusterCount} clusters, ${r.labels.filter((v) => v < 0).length} noise, ARI ${ari.toFixed(3)}`);
    expect(ari).toBeGreaterThanOrEqual(0.75);
  }, 120_000);
});

describe('stable cluster ids', () => {
  it('keeps ids of persisting clusters and gives new ones unused ids', () => {
    const prev = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, -1]);
    const next = Int32Array.from([1, 1, 1, 0, 0, 0, 2, -1, 2]);
    const { labels } = matchToPrevious(prev, next, 3);
    expect(Array.from(labels)).toEqual([0, 0, 0, 1, 1, 1, 2, -1, 2]);
    const grown = matchToPrevious(Int32Array.from([0, 0, 1, 1]), Int32Array.from([2, 2, 0, 1]), 3);
    expect(Array.from(grown.labels)).toEqual([0, 0, 1, 2]);
  });

  it('canonical ids order clusters by size, then by lowest point index, whatever ids they came with', () => {
    // Sizes: id 2 has 3 points, ids 0 and 3 have 2 (id 3 starts earlier), id 1 has none.
    const labels = Int32Array.from([-1, 3, 2, 0, 2, 3, 0, 2, -1]);
    expect(Array.from(canonicalLabels(labels, 4))).toEqual([-1, 1, 0, 2, 0, 1, 2, 0, -1]);
    // Any renumbering of the same partition gives the same canonical ids.
    const permuted = labels.map((l) => (l < 0 ? l : [3, 0, 1, 2][l]!));
    expect(Array.from(canonicalLabels(permuted, 4))).toEqual(Array.from(canonicalLabels(labels, 4)));
    expect(Array.from(canonicalLabels(Int32Array.from([-1, -1]), 0))).toEqual([-1, -1]);
  });

  it('adjusted Rand index is 1 for a relabelling and near 0 for unrelated labels', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [5, 5, 3, 3])).toBe(1);
    const rng = new Rng(2);
    const a = Array.from({ length: 5000 }, () => rng.int(5));
    const b = Array.from({ length: 5000 }, () => rng.int(5));
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.02);
  });
});
