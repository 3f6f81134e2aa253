#!/usr/bin/env node
// Frame time while panning the interactive map over N points (default 1,000,000) in headless
// Chromium. The points come as a map file (opened like a user would, no UMAP run), so only drawing
// is measured. Uses the built dist/ (run `npx vite build` first).
// Usage: node scripts/pan-bench.mjs [--n 1000000] [--seconds 5] [--density on|off] [--headed]
// (--density: opacity by density, which the app turns on above 100k points.)
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { launchChromium } from './lib/chromium.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { ROOT } from './lib/runners.mjs';

const args = { n: 1_000_000, seconds: 5, headed: false, density: 'auto' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i]?.replace(/^--/, '');
  if (key === 'headed') args.headed = true;
  else if (key === 'density' && (argv[i + 1] === 'on' || argv[i + 1] === 'off')) args.density = argv[++i];
  else if (key in args && argv[i + 1] !== undefined) args[key] = Number(argv[++i]);
  else {
    console.error(`Unknown or incomplete argument ${argv[i]}\nUsage: node scripts/pan-bench.mjs [--n N] [--seconds S] [--density on|off] [--headed]`);
    process.exit(2);
  }
}
if (!existsSync(join(ROOT, 'dist/index.html'))) {
  console.error('dist/ is missing: run `npx vite build` first.');
  process.exit(2);
}

// A deterministic layout-like cloud: 40 blobs of uneven size (xorshift + Box-Muller).
let s = 12345;
const rnd = () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return (s >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const centres = Array.from({ length: 40 }, () => [rnd() * 30 - 15, rnd() * 30 - 15, 0.2 + rnd()]);
const parts = [];
const labels = [];
for (let i = 0; i < args.n; i++) {
  const b = Math.floor(rnd() * centres.length);
  const [cx, cy, sd] = centres[b];
  parts.push(Math.fround(cx + sd * normal()), Math.fround(cy + sd * normal()));
  labels.push(`b${b % 10}`);
}
const dir = await mkdtemp(join(tmpdir(), 'pan-bench-'));
const file = join(dir, 'bench.map.json');
await writeFile(file, `{"mapstream":1,"name":"bench","n":${args.n},"nComponents":2,"params":{},"coords":[${parts.join(',')}],"labels":${JSON.stringify(labels)}}`);

const server = await startStaticServer({ root: join(ROOT, 'dist'), basePath: '/mapstream/', isolate: true });
const browser = await launchChromium({ headless: !args.headed });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // test=1: the page installs window.__mapstream, which tells when the map is drawn.
  await page.goto(`${server.url}?test=1`);
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
  });
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForFunction(() => window.__mapstream?.status === 'done', undefined, { timeout: 600_000 });
  await page.waitForFunction(() => window.__mapstream?.screenPosition?.(0) != null && !document.querySelector('.map.previewing'), undefined, { timeout: 600_000 });
  const openS = (Date.now() - t0) / 1000;
  if (args.density !== 'auto') {
    const box = page.getByTestId('opacity-density');
    if ((await box.isChecked()) !== (args.density === 'on')) await box.click();
    await page.waitForTimeout(3000);
  }
  const box = await page.getByTestId('map').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // Frame intervals, measured in the page by requestAnimationFrame while the drag goes on.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const end = Date.now() + args.seconds * 1000;
  let k = 0;
  let moves = 0;
  while (Date.now() < end) {
    k++;
    await page.mouse.move(cx + 200 * Math.sin(k / 10), cy + 150 * Math.cos(k / 13));
    moves++;
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(1);
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  console.log(
    JSON.stringify({
      n: args.n,
      opacity_by_density: await page.getByTestId('opacity-density').isChecked(),
      renderer,
      open_map_s: Number(openS.toFixed(1)),
      pan_s: args.seconds,
      pointer_moves: moves,
      frames: frames.length,
      frame_ms_mean: Number(mean.toFixed(1)),
      frame_ms_median: Number(q(0.5).toFixed(1)),
      frame_ms_p95: Number(q(0.95).toFixed(1)),
      fps_mean: Number((1000 / mean).toFixed(1)),
    }),
  );
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
