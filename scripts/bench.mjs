#!/usr/bin/env node
// npm run bench -- --data X.npy [--labels y.npy] [--compare umap-js,embedding-atlas] ...
// npm run bench -- --data FIT.npy [--labels y.npy] --transform NEW.npy [--transform-labels y2.npy] ...
// Runs mapstream's job path and its browser peers on the same data in headless Chromium, one at a time,
// each in a dedicated Worker, and prints one JSON line per implementation on stdout. Everything else
// (build output, progress) goes to stderr so stdout stays machine-readable.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { memorySnapshot, startSampler } from './lib/proc-memory.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.bench');
// Per-run scratch (helper bundle, build), so concurrent benches and other people's builds cannot collide.
const RUN_DIR = join(WORK, `run-${process.pid}`);
const PEERS = ['umap-js', 'embedding-atlas'];
// Keep in step with OUR_BACKENDS in bench/page/impl-ours.ts.
const BACKENDS = ['auto', 'cpu', 'webgpu'];
const QUALITY_K = 15;
const SYNTHETIC_SEED = 1;

const log = (...a) => console.error('[bench]', ...a);

class UsageError extends Error {}

const USAGE = `usage: npm run bench -- (--data FILE [--metadata FILE] [--drop-bad-rows] [--max-dim N] | --synthetic NxD) [--labels y.npy] [--out EMB.npy] [--save-all DIR]
  [--seed 42] [--compare umap-js,embedding-atlas] [--n-neighbors 15] [--min-dist 0.1] [--epochs N]
  [--metric euclidean|cosine] [--backend cpu|auto|webgpu] [--threads N] [--sample 2000] [--persist] [--no-build [--dist DIR]] [--no-ours] [--timeout-min 30]
  [--transform NEW_FILE [--transform-labels y.npy] | --transform-synthetic M (with --synthetic)] [--out-transform NEW_EMB.npy] [--transform-sample 2000]
  [--relayout min_dist=0.5[,seed=2,spread=1.5,n_epochs=N,warm=1]]  (repeatable: each is a re-run reusing the full run's graphs; warm=1 starts it from the full run's map)`;

/** `min_dist=0.5,seed=2`: the layout parameters a re-run changes (the graph's stay, so it is reused). */
const RELAYOUT_KEYS = { min_dist: 'minDist', spread: 'spread', seed: 'seed', n_epochs: 'nEpochs', warm: 'warm' };
function parseRelayout(spec) {
  const change = {};
  for (const part of spec.split(',')) {
    const [k, v, ...extra] = part.split('=').map((x) => x.trim());
    const key = RELAYOUT_KEYS[k];
    const num = Number(v);
    if (!key || extra.length || v === undefined || v === '' || !Number.isFinite(num)) {
      throw new UsageError(`--relayout: "${part}" is not NAME=NUMBER with NAME one of ${Object.keys(RELAYOUT_KEYS).join(', ')}.`);
    }
    if ((key === 'seed' || key === 'nEpochs') && !Number.isInteger(num)) throw new UsageError(`--relayout: ${k} must be a whole number (got ${v}).`);
    // warm=1: the re-run starts its layout from the full run's map (the app's "Start from the current map").
    if (key === 'warm' && num !== 0 && num !== 1) throw new UsageError(`--relayout: warm must be 0 or 1 (got ${v}).`);
    change[key] = num;
  }
  return change;
}

function parseCli(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        data: { type: 'string' },
        labels: { type: 'string' },
        metadata: { type: 'string' },
        'drop-bad-rows': { type: 'boolean', default: false },
        'max-dim': { type: 'string' },
        out: { type: 'string' },
        'save-all': { type: 'string' },
        seed: { type: 'string', default: '42' },
        compare: { type: 'string', default: '' },
        'n-neighbors': { type: 'string', default: '15' },
        'min-dist': { type: 'string', default: '0.1' },
        epochs: { type: 'string' },
        metric: { type: 'string', default: 'euclidean' },
        synthetic: { type: 'string' },
        backend: { type: 'string', default: 'cpu' },
        threads: { type: 'string' },
        sample: { type: 'string', default: '2000' },
        'no-build': { type: 'boolean', default: false },
        dist: { type: 'string', default: 'dist-bench' },
        'no-ours': { type: 'boolean', default: false },
        'timeout-min': { type: 'string', default: '30' },
        transform: { type: 'string' },
        'transform-labels': { type: 'string' },
        'transform-synthetic': { type: 'string' },
        'out-transform': { type: 'string' },
        'transform-sample': { type: 'string', default: '2000' },
        relayout: { type: 'string', multiple: true, default: [] },
        persist: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err.message);
  }
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const int = (name, min) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got ${values[name]}).`);
    return v;
  };
  if (!values.data === !values.synthetic) throw new UsageError('Give exactly one of --data FILE.npy or --synthetic NxD.');
  let synthetic = null;
  if (values.synthetic) {
    const m = /^(\d+)x(\d+)$/.exec(values.synthetic);
    if (!m) throw new UsageError(`--synthetic must look like 70000x784 (got ${values.synthetic}).`);
    synthetic = { n: Number(m[1]), d: Number(m[2]) };
  }
  // --data may be any format the app reads; other formats are converted by the app's own parsers.
  for (const f of ['labels', 'out', 'transform-labels', 'out-transform']) {
    if (values[f] && !values[f].endsWith('.npy')) throw new UsageError(`--${f} must be a .npy file (got ${values[f]}).`);
  }
  const compare = values.compare
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of compare) if (!PEERS.includes(c)) throw new UsageError(`--compare: unknown implementation "${c}" (known: ${PEERS.join(', ')}).`);
  if (!['euclidean', 'cosine'].includes(values.metric)) throw new UsageError(`--metric must be euclidean or cosine (got ${values.metric}).`);
  if (!BACKENDS.includes(values.backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got ${values.backend}).`);
  const minDist = Number(values['min-dist']);
  if (!(minDist >= 0)) throw new UsageError(`--min-dist must be a number ≥ 0 (got ${values['min-dist']}).`);
  const impls = [...(values['no-ours'] ? [] : ['mapstream']), ...new Set(compare)];
  const relayout = values.relayout.map(parseRelayout);
  if (relayout.length > 0 && values['no-ours']) throw new UsageError('--relayout re-runs mapstream; it cannot be combined with --no-ours.');
  if (values.out && values['no-ours']) throw new UsageError("--out writes mapstream's embedding; it cannot be combined with --no-ours (use --save-all DIR).");
  if (impls.length === 0) throw new UsageError('Nothing to run: --no-ours without --compare.');
  if (values.transform && values['transform-synthetic']) throw new UsageError('Give at most one of --transform FILE and --transform-synthetic M.');
  if (values['transform-synthetic'] && !synthetic) throw new UsageError('--transform-synthetic M needs --synthetic NxD: the new points come from the same mixture.');
  if (values['transform-synthetic'] !== undefined && !/^[1-9]\d*$/.test(values['transform-synthetic']))
    throw new UsageError(`--transform-synthetic must be a row count ≥ 1 (got ${values['transform-synthetic']}).`);
  const transforming = Boolean(values.transform || values['transform-synthetic']);
  if (!transforming && (values['transform-labels'] || values['out-transform']))
    throw new UsageError('--transform-labels and --out-transform need --transform FILE (or --transform-synthetic M).');
  if (values['transform-labels'] && !values.transform) throw new UsageError('--transform-labels goes with --transform FILE (--transform-synthetic has its own labels).');
  if (transforming && values['no-ours']) throw new UsageError("--transform places points into mapstream's map; it cannot be combined with --no-ours.");
  if (values.persist && values['no-ours']) throw new UsageError("--persist runs mapstream's fit as a persisted job; it cannot be combined with --no-ours.");
  return {
    data: values.data ? resolve(values.data) : null,
    labels: values.labels ? resolve(values.labels) : null,
    metadata: values.metadata ? resolve(values.metadata) : null,
    dropBadRows: values['drop-bad-rows'],
    maxDim: values['max-dim'] === undefined ? undefined : int('max-dim', 1),
    out: values.out ? resolve(values.out) : null,
    saveAll: values['save-all'] ? resolve(values['save-all']) : null,
    synthetic,
    seed: int('seed', 0),
    relayout,
    nNeighbors: int('n-neighbors', 2),
    minDist,
    epochs: values.epochs === undefined ? null : int('epochs', 1),
    metric: values.metric,
    backend: values.backend,
    threads: values.threads === undefined ? null : int('threads', 1),
    sample: int('sample', 2 * QUALITY_K + 2),
    build: !values['no-build'],
    dist: resolve(ROOT, values.dist),
    impls,
    timeoutMs: Number(values['timeout-min']) * 60_000,
    transform: values.transform ? resolve(values.transform) : null,
    transformLabels: values['transform-labels'] ? resolve(values['transform-labels']) : null,
    transformSynthetic: values['transform-synthetic'] === undefined ? null : Number(values['transform-synthetic']),
    outTransform: values['out-transform'] ? resolve(values['out-transform']) : null,
    transformSample: int('transform-sample', 1),
    transforming,
    // The fit runs as a persisted app job (rows stored, checkpoints written); --transform implies it.
    persist: values.persist || transforming,
  };
}

function run(cmd, args) {
  return new Promise((ok, fail) => {
    // stdout of child tools goes to our stderr: stdout is reserved for the JSON lines.
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Bundle bench/node/entry.ts (and the app TS it imports) for Node with Vite's SSR build. */
async function loadNodeHelpers() {
  const { build } = await import('vite');
  const outDir = join(RUN_DIR, 'node');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: 'bench/node/entry.ts',
      outDir,
      emptyOutDir: true,
      target: 'node20',
      rollupOptions: { output: { entryFileNames: 'entry.mjs', format: 'es' } },
    },
  });
  return import(`${pathToFileURL(join(outDir, 'entry.mjs')).href}?t=${Date.now()}`);
}

/** Synthetic data goes through the same file path as real data, so the page cannot tell them apart. */
/**
 * Any supported format (CSV/TSV, JSON/JSONL, Parquet, a Projector pair, npy with options) goes through
 * the app's parsers into a .npy pair. A bad file stops the bench with the message the UI shows; where
 * the UI offers to drop bad rows, the default is to stop and --drop-bad-rows opts in.
 */
async function ingestInput(opts, helpers) {
  const res = await ingestPaths([opts.data, ...(opts.metadata ? [opts.metadata] : [])], 'data', opts, helpers);
  opts.data = res.data;
  if (!opts.labels && res.labels) {
    opts.labels = res.labels;
    opts.labelValues = res.labelValues;
  }
}

/** --transform FILE in any format goes through the same parsers as --data. */
async function ingestTransform(opts, helpers) {
  const res = await ingestPaths([opts.transform], 'transform', opts, helpers);
  opts.transform = res.data;
  if (!opts.transformLabels && res.labels) {
    opts.transformLabels = res.labels;
    opts.transformLabelValues = res.labelValues;
  }
}

async function ingestPaths(paths, name, opts, helpers) {
  const dir = join(WORK, `ingested-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const { rmSync } = await import('node:fs');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let res;
  try {
    res = await helpers.ingestFilesToNpy(paths, join(dir, name), { dropBadRows: opts.dropBadRows, ...(opts.maxDim !== undefined && { maxDim: opts.maxDim }) });
  } catch (err) {
    if (err?.name !== 'IngestError') throw err;
    const hint = err.badRows ? ' (pass --drop-bad-rows to skip them)' : '';
    throw new UsageError(`${err.message}${hint}`);
  }
  for (const w of res.warnings) log(`warning: ${w}`);
  log(`parsed ${paths.join(' + ')}: ${res.n} × ${res.d}${res.labels ? ', with labels' : ''}`);
  return res;
}

async function materialiseSynthetic(opts, helpers) {
  if (opts.transformSynthetic) return materialiseSyntheticSplit(opts, helpers);
  const { n, d } = opts.synthetic;
  const dir = join(WORK, 'synthetic');
  await mkdir(dir, { recursive: true });
  // The data seed is fixed (the generator's default) so changing --seed varies only the UMAP runs.
  const stem = join(dir, `gaussian-mixture-${n}x${d}-seed${SYNTHETIC_SEED}`);
  if (!existsSync(`${stem}.npy`) || !existsSync(`${stem}.labels.npy`)) {
    log(`generating synthetic ${n}x${d}`);
    const { data, labels } = helpers.gaussianMixture({ n, d, seed: SYNTHETIC_SEED });
    await writeFile(`${stem}.labels.npy`, helpers.encodeNpy(labels, [n]));
    await writeFile(`${stem}.npy`, helpers.encodeNpy(data, [n, d]));
  }
  opts.data = `${stem}.npy`;
  opts.labels ??= `${stem}.labels.npy`;
  opts.n = n;
  opts.d = d;
}

/**
 * --synthetic NxD --transform-synthetic M: one mixture of N + M rows, the first N fitted and the last
 * M added, so the new points come from the same clusters and share no row with the fit.
 */
async function materialiseSyntheticSplit(opts, helpers) {
  const { n, d } = opts.synthetic;
  const m = opts.transformSynthetic;
  const dir = join(WORK, 'synthetic');
  await mkdir(dir, { recursive: true });
  const stem = join(dir, `gaussian-mixture-${n}+${m}x${d}-seed${SYNTHETIC_SEED}`);
  const files = ['fit.npy', 'fit.labels.npy', 'new.npy', 'new.labels.npy'].map((f) => `${stem}.${f}`);
  if (!files.every((f) => existsSync(f))) {
    log(`generating synthetic ${n}+${m}x${d}`);
    const { data, labels } = helpers.gaussianMixture({ n: n + m, d, seed: SYNTHETIC_SEED });
    await writeFile(files[1], helpers.encodeNpy(labels.subarray(0, n), [n]));
    await writeFile(files[3], helpers.encodeNpy(labels.subarray(n), [m]));
    await writeFile(files[0], helpers.encodeNpy(data.subarray(0, n * d), [n, d]));
    await writeFile(files[2], helpers.encodeNpy(data.subarray(n * d), [m, d]));
  }
  log(`split files (for scripts/umap_learn_transform_ref.py): ${stem}.{fit,new}{,.labels}.npy`);
  [opts.data, opts.transform] = [files[0], files[2]];
  opts.labels ??= files[1];
  opts.transformLabels = files[3];
  opts.n = n;
  opts.d = d;
}

/** The new points' metrics on the fitted map after the transform (bench/transform-quality.ts). */
/**
 * The new points (the app's reader, as for --data) and, with labels for both files, both label sets
 * coded together, so a label has the same code on both sides whatever order each file has. Read before
 * any browser starts, so a mismatch stops the bench at once.
 */
async function readTransformInput(opts, helpers, fit) {
  const added = await helpers.readNpyMatrix(opts.transform, opts.maxDim !== undefined ? { maxDim: opts.maxDim } : {});
  if (added.d !== fit.d) throw new UsageError(`The new points (${opts.transform}) have ${added.d} dimensions, but the fitted data has ${fit.d}.`);
  let fittedLabels = null;
  let addedLabels = null;
  if (opts.labels && opts.transformLabels) {
    const fitValues = opts.labelValues ?? (await helpers.readNpyLabelValues(opts.labels));
    const newValues = opts.transformLabelValues ?? (await helpers.readNpyLabelValues(opts.transformLabels));
    if (newValues.length !== added.n) throw new UsageError(`${opts.transformLabels} has ${newValues.length} labels but ${opts.transform} has ${added.n} rows.`);
    const codes = helpers.labelCodes([...fitValues, ...newValues]);
    fittedLabels = codes.subarray(0, fit.n);
    addedLabels = codes.subarray(fit.n);
  }
  return { added, fittedLabels, addedLabels };
}

async function transformScores(opts, helpers, fit, input, t, fittedAfter) {
  const { added, fittedLabels, addedLabels } = input;
  const { data, n: m } = added;
  const t0 = performance.now();
  const q = helpers.newPointQuality({
    fitted: fit,
    fittedMap: { data: fittedAfter, n: fit.n, d: 2 },
    added: { data, n: m, d: fit.d },
    addedMap: { data: t, n: m, d: 2 },
    fittedLabels,
    addedLabels,
    sample: helpers.newPointSample(m, opts.transformSample),
  });
  log(`new-point quality on ${q.scored} of ${m} new points in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return q;
}

/** Exact high-D neighbours of the sample: the slow part of scoring, cached per file + sample. */
async function qualityReference(opts, helpers, data, labels) {
  const info = await stat(opts.data);
  const key = createHash('sha1')
    .update(JSON.stringify([resolve(opts.data), info.size, info.mtimeMs, opts.sample, opts.metric, QUALITY_K, helpers.QUALITY_VERSION]))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(WORK, 'cache', `ref-${key}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(await readFile(cacheFile, 'utf8'));
    return helpers.reviveReference(cached, data, opts.n, opts.d, labels);
  }
  const t0 = performance.now();
  const ref = helpers.makeReference({ data, n: opts.n, d: opts.d, labels, sample: opts.sample, metric: opts.metric, k: QUALITY_K });
  log(`exact ${QUALITY_K}-NN of ${ref.sampleSize} sampled points in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await mkdir(dirname(cacheFile), { recursive: true });
  await writeFile(cacheFile, JSON.stringify(helpers.serialiseReference(ref, opts.metric)));
  return ref;
}

/** Put the data file under the served root so the page fetches it same-origin. */
async function exposeData(root, file) {
  const dir = join(root, 'bench-data');
  await mkdir(dir, { recursive: true });
  const name = `${createHash('sha1').update(file).digest('hex').slice(0, 12)}-${basename(file)}`;
  const target = join(dir, name);
  await rm(target, { force: true });
  try {
    await symlink(file, target);
  } catch {
    await copyFile(file, target);
  }
  return { rel: `bench-data/${name}`, cleanup: () => rm(target, { force: true }) };
}

// page.evaluate has no timeout of its own; on expiry the caller's finally closes the browser.
function withTimeout(promise, ms, message) {
  let timer;
  const expired = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// ---- One implementation in a fresh browser, so no heap or process is inherited from the previous one. ----

async function runOne(impl, ctx) {
  const { launchChromium, CHROMIUM_ARGS } = await import('./lib/chromium.mjs');
  // --expose-gc lets the page drop the fetched file right after copying it into the shared store:
  // the app streams files into that store and never holds the whole file, so neither should we.
  const browser = await launchChromium({ args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(ctx.timeoutMs);
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') log(`[${impl} console.${msg.type()}] ${msg.text()}`);
    });
    await page.goto(`${ctx.serverUrl}bench.html`);
    await page
      .waitForFunction(() => 'mapstreamBench' in window, null, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`bench page did not start${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
      });
    const isolated = await page.evaluate(() => window.mapstreamBench.isolated());

    // Baseline: browser up, page loaded, no data yet.
    await new Promise((r) => setTimeout(r, 500));
    const baseline = memorySnapshot();
    const load1m = loadavg()[0];
    // The file is fetched whole and copied into the shared store, then collected: a bench artefact
    // (the app streams files into the store), so sampling starts once the vectors sit in memory once.
    const loaded = await page.evaluate(([url, maxDim]) => window.mapstreamBench.load(url, maxDim), [ctx.dataUrl, ctx.maxDim]);
    await page.evaluate(() => globalThis.gc?.());
    const stop = startSampler();
    let res;
    let peak;
    try {
      res = await withTimeout(
        page.evaluate(
          ([name, params, backend, relayout, keep]) => window.mapstreamBench.run(name, params, backend, relayout, keep),
          [impl, ctx.params, ctx.backend, impl === 'mapstream' ? ctx.relayout : [], impl === 'mapstream' && ctx.persist],
        ),
        ctx.timeoutMs,
        `${impl} did not finish within ${ctx.timeoutMs / 60_000} min (--timeout-min)`,
      );
    } finally {
      // Always, or the sampling interval keeps Node alive after a failed run.
      peak = stop();
    }
    const embedding = new Float32Array(new Uint8Array(Buffer.from(res.embeddingBase64, 'base64')).buffer);
    let transform = null;
    if (impl === 'mapstream' && ctx.transformUrl) {
      log(`transform: placing new points into the map`);
      const tLoaded = await page.evaluate(([url, maxDim]) => window.mapstreamBench.loadTransform(url, maxDim), [ctx.transformUrl, ctx.maxDim]);
      const tLoad1m = loadavg()[0];
      if (tLoaded.d !== loaded.d) throw new UsageError(`The new points have ${tLoaded.d} dimensions, but the map was fitted on ${loaded.d}.`);
      const t = await withTimeout(
        page.evaluate(() => window.mapstreamBench.runTransform()),
        ctx.timeoutMs,
        `the transform did not finish within ${ctx.timeoutMs / 60_000} min (--timeout-min)`,
      );
      const f32 = (b64) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
      transform = { ...t, loaded: tLoaded, load1m: tLoad1m, embedding: f32(t.embeddingBase64), fittedAfter: f32(t.fittedAfterBase64) };
    }
    return { loaded, res, embedding, baseline, peak, isolated, load1m, transform };
  } finally {
    await browser.close();
  }
}

/**
 * A persisted fit's checkpoint cost, from the writer's log line ("Checkpoints: … N ms of engine time"):
 * the time the engine waited on checkpoints, and that as a share of the run's engine time.
 */
function checkpointCost(notes, wallS) {
  const line = (notes ?? []).find((l) => l.startsWith('Checkpoints:'));
  const m = line ? /(\d+) ms of engine time/.exec(line) : null;
  if (!m) return { checkpoint_s: null, checkpoint_share: null };
  const s = Number(m[1]) / 1000;
  return { checkpoint_s: round(s), checkpoint_share: round(s / wallS, 4) };
}

const round = (x, digits = 3) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

async function main() {
  const opts = parseCli(process.argv.slice(2));
  const helpers = await loadNodeHelpers();
  if (opts.data && (!opts.data.endsWith('.npy') || opts.metadata || opts.dropBadRows || opts.maxDim !== undefined)) await ingestInput(opts, helpers);
  if (opts.synthetic) await materialiseSynthetic(opts, helpers);
  if (opts.transform && (!opts.transform.endsWith('.npy') || opts.maxDim !== undefined)) await ingestTransform(opts, helpers);

  // The app's .npy reader (every dtype and order it reads; non-finite values refused with its message).
  const maxDim = opts.maxDim !== undefined ? { maxDim: opts.maxDim } : {};
  const { data, n, d } = await helpers.readNpyMatrix(opts.data, maxDim);
  opts.n = n;
  opts.d = d;
  const labels = opts.labels ? await helpers.readNpyLabelCodes(opts.labels) : null;
  if (labels && labels.length !== n) throw new UsageError(`${opts.labels} has ${labels.length} labels but the data has ${n} rows.`);
  // Resolve once with the app's own rules, then hand every implementation the same numbers.
  const resolved = helpers.resolveParams({ nNeighbors: opts.nNeighbors, minDist: opts.minDist, nEpochs: opts.epochs, metric: opts.metric, seed: opts.seed, backend: opts.backend }, opts.n);
  const params = { nNeighbors: resolved.nNeighbors, minDist: resolved.minDist, nEpochs: helpers.epochsFor(resolved, opts.n), metric: resolved.metric, seed: resolved.seed };
  if (opts.threads) params.threads = opts.threads;
  log(`data ${opts.n}x${opts.d}; ${JSON.stringify(params)}; implementations: ${opts.impls.join(', ')}`);

  const ref = await qualityReference(opts, helpers, data, labels);
  const transformInput = opts.transform ? await readTransformInput(opts, helpers, { n, d }) : null;
  if (transformInput) log(`transform: ${transformInput.added.n} new points${transformInput.addedLabels ? ', with labels' : ''}`);

  // A private build per run: the shared dist-bench/ can be rebuilt (and emptied) by someone else mid-bench,
  // which once deleted the data link between two implementations.
  const distDir = opts.build ? join(RUN_DIR, 'dist') : opts.dist;
  if (opts.build) {
    // The bench page is not part of the app's dist/: it has its own build (bench/vite.config.ts).
    log(`building ${distDir} (npx vite build --config bench/vite.config.ts)`);
    await run('npx', ['vite', 'build', '--config', 'bench/vite.config.ts', '--outDir', distDir, '--emptyOutDir']);
  }
  if (!existsSync(join(distDir, 'bench.html'))) throw new Error(`${join(distDir, 'bench.html')} is missing: run without --no-build.`);

  const { startStaticServer } = await import('./lib/static-server.mjs');
  const server = await startStaticServer({ root: distDir, basePath: '/', isolate: true });
  const exposed = await exposeData(distDir, opts.data);
  const exposedNew = opts.transform ? await exposeData(distDir, opts.transform) : null;
  let failures = 0;
  try {
    const ctx = {
      serverUrl: server.url,
      dataUrl: `${server.url}${exposed.rel}`,
      transformUrl: exposedNew ? `${server.url}${exposedNew.rel}` : null,
      maxDim: opts.maxDim,
      params,
      backend: opts.backend,
      timeoutMs: opts.timeoutMs,
      relayout: opts.relayout,
      persist: opts.persist,
    };
    for (const impl of opts.impls) {
      log(`running ${impl}`);
      let r;
      try {
        r = await runOne(impl, ctx);
      } catch (err) {
        failures++;
        console.log(JSON.stringify({ impl, n: opts.n, d: opts.d, error: String(err.message ?? err).split('\n')[0] }));
        log(err.stack ?? err);
        continue;
      }
      const q = helpers.scoreEmbedding(ref, r.embedding);
      const line = {
        impl,
        // What ran, which for --backend auto/webgpu may be the CPU fallback; backend_reason says why.
        backend: r.res.backend,
        n: r.loaded.n,
        d: r.loaded.d,
        wall_s: round(r.res.wallS),
        parse_s: round(r.loaded.parseS),
        phases: {
          knn: round(r.res.phases.knn),
          graph: round(r.res.phases.graph),
          init: round(r.res.phases.init),
          optimise: round(r.res.phases.optimise),
        },
        peak_memory_mb: Math.round(r.peak.rssMb - r.baseline.rssMb),
        peak_rss_mb: Math.round(r.peak.rssMb),
        peak_pss_mb: Math.round(r.peak.pssMb),
        trustworthiness_15: round(q.trustworthiness, 4),
        knn_recall_15: round(q.knnRecall, 4),
        knn10_acc: q.knnAccuracy === null ? null : round(q.knnAccuracy, 4),
        epochs: r.res.epochs,
        backend_requested: impl === 'mapstream' ? opts.backend : 'cpu',
        threads: impl === 'mapstream' ? (opts.threads ?? cpus().length) : 1,
        backend_reason: r.res.backendReason,
        page_wall_s: round(r.res.pageWallS),
        // mapstream: the longest wait between two progress events the page received, and the step it fell in.
        ...(r.res.progressGap ? { max_progress_gap_s: round(r.res.progressGap.maxS), max_progress_gap_at: r.res.progressGap.to, progress_events: r.res.progressGap.events } : {}),
        ...(impl === 'mapstream' && opts.persist ? checkpointCost(r.res.notes, r.res.wallS) : {}),
        fetch_s: round(r.loaded.fetchS),
        cross_origin_isolated: r.isolated,
        // Other processes on the machine skew timings: the 1-minute load average just before the run.
        load_1m: round(r.load1m, 2),
        cores: cpus().length,
        sample: ref.sampleSize,
        params,
      };
      if (r.res.notes?.length) log(`${impl}: ${r.res.notes.join('; ')}`);
      const t = r.transform;
      if (t) {
        const tq = await transformScores(opts, helpers, { data, n: opts.n, d: opts.d }, transformInput, t.embedding, t.fittedAfter);
        Object.assign(line, {
          // The fit above ran as a persisted app job (rows stored, checkpoints, model kept), which its times include.
          fit_persisted: true,
          transform_s: round(t.transformS),
          transform_job_s: round(t.jobS),
          transform_load_1m: round(t.load1m, 2),
          transform_n: t.n,
          fitted_moved: t.fittedMoved,
          fitted_identical: t.fittedIdentical,
          transform_phases: { knn: round(t.phases.knn), graph: round(t.phases.graph), init: round(t.phases.init), layout: round(t.phases.layout) },
          transform_epochs: t.epochs,
          transform_parse_s: round(t.loaded.parseS),
          new_knn_recall_15: round(tq.recall15, 4),
          new_knn10_acc: tq.accuracy10 === null ? null : round(tq.accuracy10, 4),
          new_trustworthiness_15: round(tq.trustworthiness15, 4),
          transform_scored: tq.scored,
        });
        for (const l of t.log) log(`transform: ${l}`);
      }
      console.log(JSON.stringify(line));
      for (const re of r.res.relayouts ?? []) {
        const emb = new Float32Array(new Uint8Array(Buffer.from(re.embeddingBase64, 'base64')).buffer);
        const rq = helpers.scoreEmbedding(ref, emb);
        if (re.notes?.length) log(`mapstream-relayout: ${re.notes.join('; ')}`);
        console.log(
          JSON.stringify({
            impl: 'mapstream-relayout',
            backend: r.res.backend,
            n: r.loaded.n,
            d: r.loaded.d,
            change: re.change,
            reused: re.reused,
            // Engine phases plus the graph lookup (content key and read from IndexedDB), as the full run's wall_s.
            wall_s: round(re.wallS),
            graph_load_s: round(re.loadS),
            relayout_ratio: round(re.wallS / r.res.wallS, 4),
            phases: { knn: round(re.phases.knn), graph: round(re.phases.graph), init: round(re.phases.init), optimise: round(re.phases.optimise) },
            trustworthiness_15: round(rq.trustworthiness, 4),
            knn_recall_15: round(rq.knnRecall, 4),
            knn10_acc: rq.knnAccuracy === null ? null : round(rq.knnAccuracy, 4),
            epochs: re.epochs,
            load_1m: round(loadavg()[0], 2),
            params: { ...params, ...re.change },
          }),
        );
      }
      if (impl === 'mapstream' && opts.out) {
        // With --transform, the fitted map as it is after the transform (which must not have moved it).
        await mkdir(dirname(resolve(opts.out)), { recursive: true });
        await writeFile(opts.out, helpers.encodeNpy(t ? t.fittedAfter : r.embedding, [opts.n, 2]));
        log(`wrote ${opts.out}`);
      }
      if (t && opts.outTransform) {
        await mkdir(dirname(resolve(opts.outTransform)), { recursive: true });
        await writeFile(opts.outTransform, helpers.encodeNpy(t.embedding, [t.n, 2]));
        log(`wrote ${opts.outTransform}`);
      }
      if (opts.saveAll) {
        await mkdir(opts.saveAll, { recursive: true });
        await writeFile(join(opts.saveAll, `${impl}.npy`), helpers.encodeNpy(r.embedding, [opts.n, 2]));
      }
    }
  } finally {
    await exposedNew?.cleanup();
    await exposed.cleanup();
    await server.close();
  }
  if (failures) process.exitCode = 1;
}

function fail(err) {
  // EngineInputError: the app's own parameter checks (e.g. fewer rows than n_neighbors + 1).
  // IngestError: the app's reader refusing the data or labels file, with the message the UI shows.
  if (err instanceof UsageError || err?.name === 'IngestError' || err?.name === 'EngineInputError') {
    console.error(`bench: ${err.message}`);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(2);
  }
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(1);
}

main()
  .finally(() => rm(RUN_DIR, { recursive: true, force: true }))
  .catch(fail);
