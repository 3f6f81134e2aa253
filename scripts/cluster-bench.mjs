#!/usr/bin/env node
// Times HDBSCAN (src/cluster/hdbscan.ts, the code the cluster Worker runs) on a 2-D map of N points
// shaped like a UMAP layout: 30 blobs of uneven size and spread plus 2% scattered points.
// Usage: node scripts/cluster-bench.mjs [--n 100000] [--min-cluster-size auto] [--repeat 3] [--seed 1]
import { importTs } from './lib/ts-import.mjs';

const args = { n: 100000, 'min-cluster-size': 'auto', repeat: 3, seed: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i]?.replace(/^--/, '');
  if (!(key in args) || argv[i + 1] === undefined) {
    console.error(`Unknown or incomplete argument ${argv[i]}\nUsage: node scripts/cluster-bench.mjs [--n N] [--min-cluster-size K|auto] [--repeat R] [--seed S]`);
    process.exit(2);
  }
  args[key] = argv[i + 1] === 'auto' ? 'auto' : Number(argv[i + 1]);
}

const { hdbscan, defaultMinClusterSize } = await importTs('/src/cluster/hdbscan.ts');
const { adjustedRandIndex } = await importTs('/src/cluster/stable-labels.ts');
const { Rng } = await importTs('/src/engine/prng.ts');

const n = args.n;
const rng = new Rng(args.seed);
const blobs = 30;
const cx = [],
  cy = [],
  sd = [],
  weight = [];
for (let b = 0; b < blobs; b++) {
  cx.push(rng.float() * 40 - 20);
  cy.push(rng.float() * 40 - 20);
  sd.push(0.3 + rng.float() * 0.9);
  weight.push(0.2 + rng.float());
}
const totalW = weight.reduce((a, b) => a + b, 0);
const x = new Float32Array(n),
  y = new Float32Array(n),
  truth = new Int32Array(n);
for (let i = 0; i < n; i++) {
  if (rng.float() < 0.02) {
    x[i] = rng.float() * 44 - 22;
    y[i] = rng.float() * 44 - 22;
    truth[i] = -1;
    continue;
  }
  let u = rng.float() * totalW,
    b = 0;
  while (u > weight[b] && b < blobs - 1) u -= weight[b++];
  x[i] = cx[b] + sd[b] * rng.normal();
  y[i] = cy[b] + sd[b] * rng.normal();
  truth[i] = b;
}
const minClusterSize = args['min-cluster-size'] === 'auto' ? defaultMinClusterSize(n) : args['min-cluster-size'];
const times = [];
let result;
for (let r = 0; r < args.repeat; r++) {
  const t0 = performance.now();
  result = hdbscan(x, y, { minClusterSize });
  times.push((performance.now() - t0) / 1000);
}
console.log(
  JSON.stringify({
    n,
    min_cluster_size: minClusterSize,
    clusters: result.clusterCount,
    noise: result.labels.filter((v) => v < 0).length,
    ari_vs_blobs: Number(adjustedRandIndex(result.labels, truth).toFixed(4)),
    seconds: times.map((t) => Number(t.toFixed(3))),
    best_s: Number(Math.min(...times).toFixed(3)),
    node: process.version,
  }),
);
