#!/usr/bin/env node
// Writes a deterministic Gaussian mixture as .npy (v1.0, little-endian float32, C order), a block of
// rows at a time so 70k × 784 never needs a second copy in memory.
// Usage: node scripts/gen-synthetic.mjs --n 70000 --d 784 --out file.npy [--labels labels.npy]
//        [--seed 1] [--clusters 10] [--spread 1]
import { open } from 'node:fs/promises';
import { importTs } from './lib/ts-import.mjs';

const args = { n: 70000, d: 784, seed: 1, clusters: 10, spread: 1, out: null, labels: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i]?.replace(/^--/, '');
  if (!(key in args) || argv[i + 1] === undefined) {
    console.error(`Unknown or incomplete argument ${argv[i]}`);
    console.error('Usage: node scripts/gen-synthetic.mjs --n N --d D --out file.npy [--labels labels.npy] [--seed S] [--clusters C] [--spread X]');
    process.exit(2);
  }
  const value = argv[++i];
  args[key] = key === 'out' || key === 'labels' ? value : Number(value);
}
if (!args.out) {
  console.error('--out is required');
  process.exit(2);
}

const { createGaussianMixture } = await importTs('src/engine/synthetic.ts');
// The bench's one .npy writer; the header goes first, then the rows a block at a time.
const { npyHeader } = await importTs('bench/npy-writer.ts');
const { n, d } = args;
const gen = createGaussianMixture({ n, d, clusters: args.clusters, seed: args.seed, spread: args.spread });
const dataFile = await open(args.out, 'w');
const allLabels = new Int32Array(n);
await dataFile.write(npyHeader('<f4', [n, d]));

const block = Math.max(1, Math.floor((16 << 20) / (4 * d)));
const rows = new Float32Array(block * d);
const started = Date.now();
for (let start = 0; start < n; start += block) {
  const count = Math.min(block, n - start);
  gen.next(rows, allLabels.subarray(start, start + count), count);
  await dataFile.write(new Uint8Array(rows.buffer, 0, count * d * 4));
}
await dataFile.close();
console.log(`wrote ${args.out}: ${n} × ${d} float32 in ${((Date.now() - started) / 1000).toFixed(1)} s`);

if (args.labels) {
  const labelFile = await open(args.labels, 'w');
  await labelFile.write(npyHeader('<i4', [n]));
  await labelFile.write(new Uint8Array(allLabels.buffer));
  await labelFile.close();
  console.log(`wrote ${args.labels}: ${n} int32 labels`);
}
