#!/usr/bin/env node
// The layout's epoch kernel alone (optimizeLayoutEuclideanSingleEpoch over every point, one thread), on
// a synthetic graph: n points in 10 groups, each with `--edges` tails drawn from its own group, random
// weights. `--order grouped` numbers each group's points contiguously, so a point's tails lie in one
// range of the embedding; `random` scatters them, as real point ids are. Prints this thread's CPU
// seconds per run (CPU time, so a busy machine skews it less than wall time), and a checksum.
// `--kernel wasm` runs layout.wat's kernel (what compute cores use for 2-D layouts), `js` the
// JavaScript one; both give the same bits, so the checksums match.
// `node scripts/layout-kernel-bench.mjs [--n 70000] [--edges 30] [--epochs 40] [--order random|grouped] [--kernel js|wasm] [--runs 3]`
import { parseArgs } from 'node:util';
import { importTs } from './lib/ts-import.mjs';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '70000' },
    edges: { type: 'string', default: '30' },
    epochs: { type: 'string', default: '40' },
    order: { type: 'string', default: 'random' },
    runs: { type: 'string', default: '3' },
    kernel: { type: 'string', default: 'wasm' },
  },
});
const { makeEpochsPerSample } = await importTs('src/engine/layout-graph.ts');
const { optimizeLayoutEuclideanSingleEpoch } = await importTs('src/engine/sgd-layout.ts');
const { Rng } = await importTs('src/engine/prng.ts');
const { layoutKernel } = await importTs('src/engine/wasm/layout-kernel.ts');

const n = Number(values.n);
const k = Number(values.edges);
const nEpochs = Number(values.epochs);
const rng = new Rng(12345);
const groups = Array.from({ length: 10 }, () => []);
const groupOf = new Int32Array(n);
for (let i = 0; i < n; i++) {
  groupOf[i] = values.order === 'grouped' ? Math.floor((i * 10) / n) : rng.int(10);
  groups[groupOf[i]].push(i);
}
const ptr = new Int32Array(n + 1);
const tail = new Int32Array(n * k);
const weights = new Float32Array(n * k);
for (let j = 0; j < n; j++) {
  ptr[j + 1] = ptr[j] + k;
  const members = groups[groupOf[j]];
  for (let e = 0; e < k; e++) {
    tail[j * k + e] = members[rng.int(members.length)];
    weights[j * k + e] = 1 - rng.float();
  }
}
const g = { n, ptr, tail, epochsPerSample: makeEpochsPerSample(weights, nEpochs) };
const c = { a: 1.577, b: 0.895, gamma: 1, initialAlpha: 1, negativeSampleRate: 5, nComponents: 2, nEpochs, seed: 7 };
const kernel = values.kernel === 'wasm' ? layoutKernel(g, c) : null;
if (values.kernel === 'wasm' && !kernel) throw new Error('layout.wat did not compile here');
const step = kernel
  ? (prev, next, epoch) => kernel.epoch(prev, next, 0, n, epoch, 1 - epoch / nEpochs)
  : (prev, next, epoch) => optimizeLayoutEuclideanSingleEpoch(g, prev, next, 0, n, epoch, 1 - epoch / nEpochs, c);
const start = Float32Array.from({ length: 2 * n }, () => rng.float() * 10);
for (let run = 0; run < Number(values.runs); run++) {
  let prev = start.slice();
  let next = new Float32Array(2 * n);
  const cpu0 = process.cpuUsage().user;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    step(prev, next, epoch);
    [prev, next] = [next, prev];
  }
  const cpuS = (process.cpuUsage().user - cpu0) / 1e6;
  let sum = 0;
  for (let i = 0; i < 2 * n; i += 97) sum += prev[i];
  console.log(JSON.stringify({ n, edges: k, epochs: nEpochs, order: values.order, kernel: values.kernel, cpu_s: +cpuS.toFixed(2), checksum: +sum.toFixed(3) }));
}
