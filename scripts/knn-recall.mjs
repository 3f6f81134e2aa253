#!/usr/bin/env node
// Recall of the engine's approximate kNN (RP trees + NN-descent) against exact neighbours, measured
// on a sample, in Node, single-threaded: `node scripts/knn-recall.mjs --synthetic 70000x784 [--sample 500]`
// or `--data X.npy`. Prints one JSON line with the recall, iterations and seconds.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { importTs } from './lib/ts-import.mjs';

const { values } = parseArgs({
  options: {
    synthetic: { type: 'string' },
    data: { type: 'string' },
    sample: { type: 'string', default: '500' },
    'n-neighbors': { type: 'string', default: '15' },
    metric: { type: 'string', default: 'euclidean' },
  },
});
const { gaussianMixture } = await importTs('src/engine/synthetic.ts');
const { ComputeCore, LocalPool } = await importTs('src/engine/compute-core.ts');
const { planKnn, stepKnn, finishKnn } = await importTs('src/engine/knn-phase.ts');
const { sampleIndices, exactKnnOf } = await importTs('bench/quality.ts');
const { parseNpy } = await importTs('src/io/npy.ts');

let data, n, d;
if (values.synthetic) {
  [n, d] = values.synthetic.split('x').map(Number);
  ({ data } = gaussianMixture({ n, d, seed: 1 }));
} else if (values.data) {
  // The app's reader: any dtype and order the app reads, as float32.
  ({ data, n, d } = parseNpy(await readFile(values.data), values.data));
} else {
  console.error('usage: node scripts/knn-recall.mjs --synthetic NxD | --data X.npy [--sample 500]');
  process.exit(2);
}
const k = Number(values['n-neighbors']);
const metric = values.metric;
if (metric !== 'euclidean') {
  console.error('the exact reference here is euclidean only');
  process.exit(2);
}
const core = new ComputeCore(data, n, d, metric);
const pool = new LocalPool(core);
const s = planKnn({ n, nNeighbors: k, chunkSize: 1000, exactMaxN: 0, seed: 42 });
const t0 = performance.now();
while (!(await stepKnn(s, pool, core, n, metric)));
const seconds = (performance.now() - t0) / 1000;
const knn = finishKnn(s, n, k);
const sample = sampleIndices(n, Math.min(n, Number(values.sample)), 9);
const exact = exactKnnOf(data, n, d, sample, k - 1);
let hit = 0;
for (let q = 0; q < sample.length; q++) {
  const i = sample[q];
  const got = new Set(knn.indices.subarray(i * k + 1, i * k + k));
  for (let t = 0; t < k - 1; t++) if (got.has(exact.indices[q * (k - 1) + t])) hit++;
}
console.log(
  JSON.stringify({
    n,
    d,
    k,
    sample: sample.length,
    recall: +(hit / (sample.length * (k - 1))).toFixed(4),
    iterations: s.iteration,
    trees: s.nTrees,
    knn_s_single_thread: +seconds.toFixed(2),
  }),
);
