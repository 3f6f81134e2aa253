// The bench's inputs: the Node helper bundle (the app's readers), any file turned into a .npy pair,
// synthetic data, the new points of a transform, and the cached exact-neighbour reference.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QUALITY_K, ROOT, RUN_DIR, SYNTHETIC_SEED, UsageError, WORK, log } from './bench-cli.mjs';

export function run(cmd, args) {
  return new Promise((ok, fail) => {
    // stdout of child tools goes to our stderr: stdout is reserved for the JSON lines.
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Bundle bench/node/entry.ts (and the app TS it imports) for Node with Vite's SSR build. */
export async function loadNodeHelpers() {
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

/**
 * Any supported format (CSV/TSV, JSON/JSONL, Parquet, a Projector pair, npy with options) goes through
 * the app's parsers into a .npy pair. A bad file stops the bench with the message the UI shows; where
 * the UI offers to drop bad rows, the default is to stop and --drop-bad-rows opts in.
 */
export async function ingestInput(opts, helpers) {
  const res = await ingestPaths([opts.data, ...(opts.metadata ? [opts.metadata] : [])], 'data', opts, helpers);
  opts.data = res.data;
  if (!opts.labels && res.labels) {
    opts.labels = res.labels;
    opts.labelValues = res.labelValues;
  }
}

/** --transform FILE in any format goes through the same parsers as --data. */
export async function ingestTransform(opts, helpers) {
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

/** Synthetic data goes through the same file path as real data, so the page cannot tell them apart. */
export async function materialiseSynthetic(opts, helpers) {
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

/**
 * The new points (the app's reader, as for --data) and, with labels for both files, both label sets
 * coded together, so a label has the same code on both sides whatever order each file has. Read before
 * any browser starts, so a mismatch stops the bench at once.
 */
export async function readTransformInput(opts, helpers, fit) {
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

/** The new points' metrics on the fitted map after the transform (bench/transform-quality.ts). */
export async function transformScores(opts, helpers, fit, input, t, fittedAfter) {
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
export async function qualityReference(opts, helpers, data, labels) {
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
export async function exposeData(root, file) {
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
