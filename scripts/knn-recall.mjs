#!/usr/bin/env node
// Recall of the engine's approximate kNN (RP trees + NN-descent) against exact neighbours, measured
// on a sample, in Node, single-threaded: `node scripts/knn-recall.mjs --synthetic 70000x784 [--sample 500]`
// or `--data X.npy`. Prints one JSON line with the recall, iterations and seconds. `--per-iteration`
// also prints a line at each stage's end (the trees, each NN-descent iteration): this thread's CPU
// seconds so far, the heap updates of the iteration and the recall the heaps hold then, to see what
// each iteration buys. `--trees N` overrides the number of RP trees; `--heap H` keeps H candidates per
// point through the search (the engine keeps n_neighbors), of which the nearest n_neighbors − 1 count.
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
    trees: { type: 'string' },
    heap: { type: 'string' },
    'per-iteration': { type: 'boolean', default: false },
  },
});
const { gaussianMixture } = await importTs('src/engine/synthetic.ts');
const { ComputeCore, LocalPool } = await importTs('src/engine/compute-core.ts');
const { planKnn, stepKnn } = await importTs('src/engine/knn-phase.ts');
const { AdaptivePacer } = await importTs('src/engine/step-pacer.ts');
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
const s = planKnn({ n, nNeighbors: values.heap ? Number(values.heap) : k, chunkSize: 1000, exactMaxN: 0, seed: 42 });
if (values.trees) s.nTrees = Number(values.trees);
const sample = sampleIndices(n, Math.min(n, Number(values.sample)), 9);
const exact = exactKnnOf(data, n, d, sample, k - 1);

/** Recall@(k−1) of the heaps as they are: each sample's nearest k − 1 entries other than itself. */
function heapRecall() {
  let hit = 0;
  for (let q = 0; q < sample.length; q++) {
    const i = sample[q];
    const held = [];
    for (let t = 0; t < s.k; t++) {
      const j = s.indices[i * s.k + t];
      if (j !== i && j >= 0) held.push([s.distances[i * s.k + t], j]);
    }
    held.sort((x, y) => x[0] - y[0]);
    const got = new Set(held.slice(0, k - 1).map((h) => h[1]));
    for (let t = 0; t < k - 1; t++) if (got.has(exact.indices[q * (k - 1) + t])) hit++;
  }
  return +(hit / (sample.length * (k - 1))).toFixed(4);
}

const pacer = new AdaptivePacer();
const t0 = performance.now();
const cpu0 = process.cpuUsage().user;
// Every step to the end: stepKnn returns 'done' only after the last one.
for (;;) {
  const [stage, iteration] = [s.stage, s.iteration];
  if ((await stepKnn(s, pool, core, n, metric, null, pacer)) === 'done') break;
  if (values['per-iteration'] && (s.stage !== stage || s.iteration !== iteration)) {
    const updates = stage === 'trees' ? 0 : s.changedThisIteration;
    const ended = stage === 'trees' ? 'trees' : `iteration ${iteration}`;
    console.log(JSON.stringify({ ended, cpu_s: +((process.cpuUsage().user - cpu0) / 1e6).toFixed(2), updates, update_rate: +(updates / (s.k * n)).toFixed(4), recall: heapRecall() }));
  }
}
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = (process.cpuUsage().user - cpu0) / 1e6;
const recall = heapRecall();
console.log(
  JSON.stringify({
    n,
    d,
    k,
    sample: sample.length,
    recall,
    iterations: s.iteration,
    trees: s.nTrees,
    heap: s.k,
    knn_s_single_thread: +seconds.toFixed(2),
    knn_cpu_s: +cpuSeconds.toFixed(2),
  }),
);
