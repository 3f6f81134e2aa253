// One implementation in a fresh headless Chromium: load the data into the bench page, run, sample memory.
import { loadavg } from 'node:os';
import { memorySnapshot, startSampler } from './proc-memory.mjs';
import { UsageError, log } from './bench-cli.mjs';
import { startProfiling, writeProfiles } from './cpu-profile.mjs';

// page.evaluate has no timeout of its own; on expiry the caller's finally closes the browser.
function withTimeout(promise, ms, message) {
  let timer;
  const expired = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// ---- One implementation in a fresh browser, so no heap or process is inherited from the previous one. ----

export async function runOne(impl, ctx) {
  const { launchChromium, CHROMIUM_ARGS } = await import('./chromium.mjs');
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
    // The file is streamed into the store, as the app's ingest does; sampling starts once its chunks
    // are collected and the vectors sit in memory once.
    const loaded = await page.evaluate(([url, maxDim]) => window.mapstreamBench.load(url, maxDim), [ctx.dataUrl, ctx.maxDim]);
    await page.evaluate(() => globalThis.gc?.());
    const stop = startSampler();
    const stopProfile = ctx.profile ? await startProfiling(page) : null;
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
    if (stopProfile) log(`profile of ${impl} (${ctx.profile}/${impl}):\n${writeProfiles(`${ctx.profile}/${impl}`, await stopProfile())}`);
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
