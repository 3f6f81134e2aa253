#!/usr/bin/env node
// npm run bench -- --data X.npy [--labels y.npy] [--compare umap-js,embedding-atlas] ...
// npm run bench -- --data FIT.npy [--labels y.npy] --transform NEW.npy [--transform-labels y2.npy] ...
// Runs mapstream's job path and its browser peers on the same data in headless Chromium, one at a time,
// each in a dedicated Worker, and prints one JSON line per implementation on stdout. Everything else
// (build output, progress) goes to stderr so stdout stays machine-readable.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RUN_DIR, USAGE, UsageError, log, parseCli } from './lib/bench-cli.mjs';
import { exposeData, ingestInput, ingestTransform, loadNodeHelpers, materialiseSynthetic, qualityReference, readTransformInput, run, transformScores } from './lib/bench-inputs.mjs';
import { runOne } from './lib/bench-browser.mjs';
import { relayoutLine, resultLine, transformFields } from './lib/bench-report.mjs';

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
      profile: opts.profile,
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
      const line = resultLine(impl, r, q, opts, ref, params);
      if (r.res.notes?.length) log(`${impl}: ${r.res.notes.join('; ')}`);
      const t = r.transform;
      if (t) {
        const tq = await transformScores(opts, helpers, { data, n: opts.n, d: opts.d }, transformInput, t.embedding, t.fittedAfter);
        Object.assign(line, transformFields(t, tq));
        for (const l of t.log) log(`transform: ${l}`);
      }
      console.log(JSON.stringify(line));
      for (const re of r.res.relayouts ?? []) {
        const emb = new Float32Array(new Uint8Array(Buffer.from(re.embeddingBase64, 'base64')).buffer);
        const rq = helpers.scoreEmbedding(ref, emb);
        if (re.notes?.length) log(`mapstream-relayout: ${re.notes.join('; ')}`);
        console.log(JSON.stringify(relayoutLine(re, r, rq, params)));
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
