#!/usr/bin/env node
// Check "dist holds only the app": after `vite build`, dist/ has one HTML file (index.html) and no
// file in it carries bench or test code (the quality metrics, the GPU test page's hook). The bench and
// test pages are built apart, into dist-bench/ (bench/vite.config.ts).
// Usage: node scripts/check-dist.mjs [--dist DIR]; exits 1 and names what it found otherwise.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/runners.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string', default: 'dist' } } });
const dist = resolve(ROOT, values.dist);
// Text that only bench/ code holds: the scorer's kNN-accuracy message and the WebGPU test page's window
// hook. (Trustworthiness and recall are the app's own now: its quality badge computes them.)
const MARKERS = ['knnAccuracy:', '__gpuTest'];

async function* files(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

const problems = [];
const html = (await readdir(dist)).filter((f) => f.endsWith('.html'));
if (html.length !== 1 || html[0] !== 'index.html') problems.push(`${relative(ROOT, dist)}/ has HTML files ${JSON.stringify(html)}; only index.html belongs there`);
for await (const f of files(dist)) {
  const text = await readFile(f, 'latin1');
  for (const m of MARKERS) if (text.includes(m)) problems.push(`${relative(ROOT, f)} contains "${m}"`);
}
if (problems.length) {
  for (const p of problems) console.error(`check-dist: ${p}`);
  process.exit(1);
}
console.log(`check-dist: ${relative(ROOT, dist) || '.'} holds only the app (index.html, no bench or test code)`);
