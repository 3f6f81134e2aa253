#!/usr/bin/env node
// The SIMD distance kernel alone, plain against fused (relaxed SIMD), in NN-descent's local-join
// pattern: groups of 30 random rows of an n × d matrix, every pair of a group, as a join of one point's
// candidates is. Prints millions of distances per second per run, the two kernels alternated.
// Node 20 compiles relaxed SIMD only behind a flag, which this script sets before compiling.
// `node scripts/distance-kernel-bench.mjs [--n 70000] [--d 784] [--groups 4000] [--runs 3]`
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from 'node:util';
import { importTs } from './lib/ts-import.mjs';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '70000' },
    d: { type: 'string', default: '784' },
    groups: { type: 'string', default: '4000' },
    runs: { type: 'string', default: '3' },
  },
});
const [n, d, groups, runs] = [values.n, values.d, values.groups, values.runs].map(Number);
const wasm = await importTs('src/engine/wasm/distance-wasm.ts');
const { decodeBase64 } = await importTs('src/engine/wasm/decode-base64.ts');

const memory = new WebAssembly.Memory({ initial: Math.ceil((n * d * 4) / 65536) });
const rows = new Float32Array(memory.buffer, 0, n * d);
let seed = 1;
for (let i = 0; i < rows.length; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  rows[i] = seed / 2 ** 32;
}
const kernel = (b64) => new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(b64)), { env: { memory } }).exports.sqdist;
const kernels = { plain: kernel(wasm.DISTANCE_WASM_PRIVATE), fused: kernel(wasm.DISTANCE_WASM_RELAXED_PRIVATE) };

function run(sq) {
  const rowBytes = d * 4;
  const ids = new Int32Array(30);
  let sink = 0;
  const t0 = performance.now();
  for (let g = 0; g < groups; g++) {
    for (let t = 0; t < 30; t++) ids[t] = Math.floor(Math.random() * n);
    for (let a = 0; a < 30; a++) for (let b = a + 1; b < 30; b++) sink += sq(ids[a] * rowBytes, ids[b] * rowBytes, d);
  }
  const s = (performance.now() - t0) / 1000;
  return { rate: (groups * 435) / s / 1e6, sink };
}

for (let r = 0; r < runs; r++) {
  for (const [name, sq] of Object.entries(kernels)) console.log(`${name}: ${run(sq).rate.toFixed(2)} M distances/s`);
}
