#!/usr/bin/env node
// node scripts/parse-bench.mjs [--n 100000] [--d 768] [--formats csv,npy,parquet] [--dir .bench/parse] [--no-isolate]
//
// Parse benchmark (not a test): writes an n × d embedding as CSV (~1 GB at the defaults), .npy and
// Parquet (cached in --dir, never committed), then opens each in headless Chromium through the app's
// own file input and ingest Worker, and prints one JSON line per format: seconds from choosing the
// file to the parsed dataset, and the peak memory of the whole Chromium process tree above its
// baseline (sampled from /proc as scripts/bench.mjs does), next to the float32 size of the data.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { parquetSchema } from './lib/embedding-formats.mjs';
import { memorySnapshot, startSampler } from './lib/proc-memory.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { importTs } from './lib/ts-import.mjs';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    d: { type: 'string', default: '768' },
    formats: { type: 'string', default: 'csv,npy,parquet' },
    dir: { type: 'string', default: '.bench/parse' },
    'timeout-min': { type: 'string', default: '20' },
    // Serve without COOP/COEP and opt out of the service worker: the transferred-copies mode.
    'no-isolate': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const d = Number(values.d);
const dir = resolve(values.dir);
const formats = values.formats.split(',');
const timeoutMs = Number(values['timeout-min']) * 60_000;
const log = (s) => process.stderr.write(`${s}\n`);

/** Deterministic values in ±0.25 written with 9 decimals, as float exports often are: ~1 GB of CSV at 100k × 768. */
function fillRow(row, i) {
  let s = (i + 1) * 2654435761;
  for (let j = 0; j < d; j++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + j) >>> 0;
    row[j] = Math.fround(((s / 4294967296) * 2 - 1) * 0.25);
  }
}

async function writeCsv(path) {
  const tmp = `${path}.part`;
  const out = createWriteStream(tmp);
  out.write(Array.from({ length: d }, (_, j) => `e${j}`).join(',') + ',label\n');
  const row = new Float32Array(d);
  for (let i = 0; i < n; i++) {
    fillRow(row, i);
    let line = '';
    for (let j = 0; j < d; j++) line += `${row[j].toFixed(9)},`;
    line += `c${i % 10}\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  await rename(tmp, path);
}

async function writeNpyFile(path) {
  const tmp = `${path}.part`;
  const { npyHeader } = await importTs('bench/npy-writer.ts');
  const out = createWriteStream(tmp);
  out.write(npyHeader('<f4', [n, d]));
  const block = 1000;
  const buf = new Float32Array(block * d);
  for (let i0 = 0; i0 < n; i0 += block) {
    const rows = Math.min(block, n - i0);
    for (let r = 0; r < rows; r++) fillRow(buf.subarray(r * d, (r + 1) * d), i0 + r);
    if (!out.write(Buffer.from(buf.buffer, 0, rows * d * 4))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  await rename(tmp, path);
}

async function writeParquet(path) {
  const tmp = `${path}.part`;
  const writer = new ParquetWriter({ writer: fileWriter(tmp), schema: parquetSchema('embedding', ['label']) });
  const group = 5000;
  const row = new Float32Array(d);
  for (let i0 = 0; i0 < n; i0 += group) {
    const rows = Math.min(group, n - i0);
    const embedding = [];
    const label = [];
    for (let r = 0; r < rows; r++) {
      fillRow(row, i0 + r);
      embedding.push(Array.from(row));
      label.push(`c${(i0 + r) % 10}`);
    }
    await writer.write({
      columnData: [
        { name: 'embedding', data: embedding },
        { name: 'label', data: label },
      ],
      rowGroupSize: group,
    });
    log(`  parquet: ${i0 + rows} / ${n} rows`);
  }
  writer.finish();
  await rename(tmp, path);
}

async function parseInBrowser(url, file, isolate) {
  const { launchChromium } = await import('./lib/chromium.mjs');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeoutMs);
    await page.goto(url);
    await page.getByTestId('file-input').waitFor({ state: 'attached' });
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = memorySnapshot();
    // Two cores shared with other work: the load at the start says how much the time can be trusted.
    const load1m = loadavg()[0];
    const stop = startSampler(100);
    const t0 = performance.now();
    let peak;
    let text;
    try {
      await page.getByTestId('file-input').setInputFiles(file);
      await page.waitForFunction(
        () => {
          const t = document.querySelector('[data-testid="dataset"]')?.textContent ?? '';
          return /×/.test(t) || document.querySelector('[data-testid="error"]') !== null;
        },
        null,
        { timeout: timeoutMs, polling: 50 },
      );
      text = (await page.getByTestId('dataset').textContent()) ?? '';
      const err = await page.getByTestId('error').count();
      if (err > 0) throw new Error(await page.getByTestId('error').textContent());
    } finally {
      peak = stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    const mode = await page.getByTestId('worker-mode').textContent();
    return { seconds, baseline, peak, text, isolated: isolate, mode, load1m };
  } finally {
    await browser.close();
  }
}

async function main() {
  await mkdir(dir, { recursive: true });
  const files = { csv: join(dir, `emb-${n}x${d}.csv`), npy: join(dir, `emb-${n}x${d}.npy`), parquet: join(dir, `emb-${n}x${d}.parquet`) };
  const writers = { csv: writeCsv, npy: writeNpyFile, parquet: writeParquet };
  for (const f of formats) {
    if (!writers[f]) throw new Error(`unknown format ${f}; use csv, npy, parquet`);
    if (!existsSync(files[f])) {
      log(`writing ${files[f]} …`);
      const t = performance.now();
      await writers[f](files[f]);
      log(`  ${(statSync(files[f]).size / 2 ** 20).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  }
  const outDir = join(dir, 'dist');
  log('building the app …');
  execFileSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  const isolate = !values['no-isolate'];
  const server = await startStaticServer({ root: outDir, basePath: '/mapstream/', isolate });
  const float32Mb = (n * d * 4) / 2 ** 20;
  try {
    for (const f of formats) {
      log(`parsing ${files[f]} in Chromium …`);
      const r = await parseInBrowser(isolate ? server.url : `${server.url}?coi=0`, files[f], isolate);
      console.log(
        JSON.stringify({
          format: f,
          file_mb: Math.round(statSync(files[f]).size / 2 ** 20),
          n,
          d,
          parse_s: Number(r.seconds.toFixed(2)),
          float32_mb: Math.round(float32Mb),
          peak_rss_mb: Math.round(r.peak.rssMb),
          baseline_rss_mb: Math.round(r.baseline.rssMb),
          peak_over_baseline_rss_mb: Math.round(r.peak.rssMb - r.baseline.rssMb),
          peak_over_baseline_pss_mb: Math.round(r.peak.pssMb - r.baseline.pssMb),
          bound_mb: Math.round(float32Mb + 200),
          load_1m: Number(r.load1m.toFixed(2)),
          dataset: r.text,
          mode: r.mode,
        }),
      );
    }
  } finally {
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
