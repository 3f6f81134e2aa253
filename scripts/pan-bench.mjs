#!/usr/bin/env node
// The interactive map at N points (default 1,000,000) in headless Chromium: load time, frame times
// while panning, hover latency (pointer onto a point → its tooltip), click and Enter → the inspector,
// lasso end → the selection count, search → the matches selected, colour-by and legend-filter
// changes, and the longest main-thread task of each step. The points come as a map file (opened like
// a user would, no UMAP run). Every time is taken in the page with performance.now() from the input
// event's timestamp to the DOM (or the map's colour) showing the answer; see docs/benchmark.md.
// Uses the built dist/ (run `npx vite build` first; --dist serves another build). One JSON line on stdout, a table on stderr.
// Usage: node scripts/pan-bench.mjs [--n 1000000] [--seconds 5] [--moves 20] [--hovers 40] [--density on|off] [--dist DIR] [--headed]
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { anchorPoints, countInRect, distanceOnScreen, mapFileChunks, nearestOnScreen, screenPositions, summary, syntheticMap } from './lib/map-bench-data.mjs';
import { installBenchProbe } from './lib/map-bench-page.mjs';
import { ROOT } from './lib/runners.mjs';
import { startStaticServer } from './lib/static-server.mjs';

const USAGE = 'Usage: node scripts/pan-bench.mjs [--n N] [--seconds S] [--moves M] [--hovers H] [--density on|off] [--dist DIR] [--headed]';
const args = { n: 1_000_000, seconds: 5, moves: 20, hovers: 40, headed: false, density: 'auto', dist: join(ROOT, 'dist') };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i]?.replace(/^--/, '');
  if (key === 'headed') args.headed = true;
  else if (key === 'density' && (argv[i + 1] === 'on' || argv[i + 1] === 'off')) args.density = argv[++i];
  else if (key === 'dist' && argv[i + 1] !== undefined) args.dist = argv[++i];
  else if (key in args && key !== 'density' && key !== 'dist' && Number.isFinite(Number(argv[i + 1])) && Number(argv[i + 1]) > 0) args[key] = Number(argv[++i]);
  else {
    console.error(`Unknown or incomplete argument ${argv[i]}\n${USAGE}`);
    process.exit(2);
  }
}
if (args.n < 1000) {
  console.error(`--n ${args.n}: the bench needs at least 1000 points.\n${USAGE}`);
  process.exit(2);
}
if (!existsSync(join(args.dist, 'index.html'))) {
  console.error(`${args.dist} has no index.html: run \`npx vite build\` first.`);
  process.exit(2);
}

const log = (msg) => console.error(`[pan-bench] ${msg}`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
/** A step's input can wait this long for its answer on a loaded 2-core machine before it counts as failed. */
const STEP_TIMEOUT_MS = 120_000;

const data = syntheticMap(args.n);
const dir = await mkdtemp(join(tmpdir(), 'pan-bench-'));
const file = join(dir, 'bench.map.json');
const fh = await open(file, 'w');
for (const chunk of mapFileChunks(data)) await fh.write(chunk);
await fh.close();
const anchors = anchorPoints(data);
// Another xorshift, so the points visited do not depend on the layout's own stream.
let seed = 987654321;
const pick = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % args.n;
};

const loadBefore = loadavg();
const server = await startStaticServer({ root: args.dist, basePath: '/mapstream/', isolate: true });
const browser = await launchChromium({ headless: !args.headed });
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(installBenchProbe);
  // test=1: the page installs window.__mapstream, which tells when the map is drawn and where a point is.
  await page.goto(`${server.url}?test=1`);
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
  });
  const frames = (k = 2) =>
    page.evaluate(
      (count) =>
        new Promise((r) =>
          (function f(left) {
            if (left === 0) r();
            else requestAnimationFrame(() => f(left - 1));
          })(count),
        ),
      k,
    );
  const mark = (name) => page.evaluate((m) => window.__bench.mark(m), name);

  log(`opening ${args.n.toLocaleString('en-US')} points …`);
  const loading = page.evaluate(() => window.__bench.watchLoad());
  await page.getByTestId('file-input').setInputFiles(file);
  const load = await loading;
  await mark('loadEnd');
  if (args.density !== 'auto') {
    const box = page.getByTestId('opacity-density');
    if ((await box.isChecked()) !== (args.density === 'on')) await box.click();
    await frames(3);
  }
  // The left panel (data, jobs) covers a third of the map; the selection panel on the right stays open.
  const left = page.getByTestId('toggle-left');
  if ((await left.getAttribute('aria-expanded')) === 'true') await left.click();
  await frames(3);
  const box = await page.getByTestId('map').boundingBox();

  // Pan: frame intervals by requestAnimationFrame while the drag goes on.
  log('panning …');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await mark('pan');
  await page.evaluate(() => window.__bench.startFrames());
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  // At least --seconds and --moves: a software-rendered frame of 1M points can take seconds, and each
  // move waits for the page to take it.
  const end = Date.now() + args.seconds * 1000;
  let moves = 0;
  while (Date.now() < end || moves < args.moves) {
    moves++;
    await page.mouse.move(cx + 200 * Math.sin(moves / 10), cy + 150 * Math.cos(moves / 13));
  }
  await page.mouse.up();
  const frameLog = await page.evaluate(() => window.__bench.stopFrames());
  const frameMs = frameLog.map(([ms]) => ms);
  const redrawMs = frameLog.filter(([, moved]) => moved).map(([ms]) => ms);
  // Back to the fitted view, so what the steps below hover and lasso does not depend on how far
  // the pan got (a slow frame takes fewer moves).
  await page.getByTestId('reset-view').click();
  await page.evaluate(() => window.__bench.settled());
  await mark('panEnd');

  /** Every point's place on screen now (the camera moves with a pan, so this is read after each). */
  const placeAll = async () => {
    const screen = await page.evaluate((ids) => ids.map((i) => window.__mapstream.screenPosition(i)), anchors);
    if (screen.some((p) => !p)) throw new Error('the map gave no screen position for its anchor points');
    return screenPositions(data, anchors, screen);
  };
  /** One measured input: arm the probe, do the input, wait for the answer. */
  const measure = async (what, spec, input) => {
    await page.evaluate((s) => window.__bench.arm(s), { timeoutMs: STEP_TIMEOUT_MS, ...spec });
    await input();
    const out = await page.evaluate(() => window.__bench.armed);
    if (out.error) failures.push(`${what}: ${out.error}`);
    return out.error ? null : out;
  };

  // Hover: the pointer jumps (one move event) onto a point; the tooltip must name the point the
  // pointer is nearest (within half a pixel: the renderer picks in float32).
  log(`hovering ${args.hovers} points …`);
  let placed = await placeAll();
  const inside = (i) => placed.sx[i] > 16 && placed.sx[i] < box.width - 16 && placed.sy[i] > 16 && placed.sy[i] < box.height - 16;
  const candidates = [];
  for (let t = 0; t < 50 * args.hovers && candidates.length < 10 * args.hovers; t++) {
    const i = pick();
    if (inside(i)) candidates.push(i);
  }
  const onMap = await page.evaluate(
    (pts) => window.__bench.onMap(pts),
    candidates.map((i) => [box.x + placed.sx[i], box.y + placed.sy[i]]),
  );
  const targets = [];
  for (const [k, i] of candidates.entries()) {
    const prev = targets[targets.length - 1];
    if (onMap[k] && (prev === undefined || Math.hypot(placed.sx[i] - placed.sx[prev], placed.sy[i] - placed.sy[prev]) > 40)) targets.push(i);
    if (targets.length === args.hovers) break;
  }
  if (targets.length < args.hovers) failures.push(`hover: only ${targets.length} of ${args.hovers} points lie on the bare map`);
  await mark('hover');
  const hover = { ms: [], frameMs: [], wrong: 0 };
  for (const i of targets) {
    // Whole pixels: a mouse event's clientX is an integer (only pointer events carry fractions), and the renderer picks by the mouse event.
    const [mx, my] = [Math.round(box.x + placed.sx[i]), Math.round(box.y + placed.sy[i])];
    const out = await measure(`hover ${i}`, { event: 'pointermove', probe: 'tooltip' }, () => page.mouse.move(mx, my));
    if (!out) continue;
    const row = Number(/^row (\d+)$/.exec(out.value ?? '')?.[1]) - 1;
    const [px, py] = out.at;
    const nearest = nearestOnScreen(placed, px, py);
    if (!(row >= 0) || distanceOnScreen(placed, row, px, py) > nearest.distance + 0.5) {
      hover.wrong++;
      failures.push(
        `hover ${i}: the tooltip shows ${JSON.stringify(out.value)}, the point under the pointer is row ${nearest.index + 1} (${nearest.distance.toFixed(1)} px; the shown one is ${row >= 0 ? distanceOnScreen(placed, row, px, py).toFixed(1) : '–'} px away)`,
      );
    }
    hover.ms.push(out.ms);
    hover.frameMs.push(out.frameMs);
  }
  await mark('hoverEnd');

  // Click a point → the inspector names it. Then Esc closes it and clears the selection.
  log('clicking points …');
  const clickMs = [];
  for (const i of targets.slice(0, 5)) {
    placed = await placeAll();
    await page.mouse.move(box.x + placed.sx[i], box.y + placed.sy[i]);
    await frames(2);
    const out = await measure(`click ${i}`, { event: 'pointerup', probe: 'inspector' }, async () => {
      await page.mouse.down();
      await page.mouse.up();
    });
    if (out) clickMs.push(out.ms);
    await page.keyboard.press('Escape');
    await page.getByTestId('inspector').waitFor({ state: 'detached' });
  }
  await mark('clickEnd');

  // Enter on the focused map inspects the point nearest the centre of the view.
  log('Enter on the map …');
  const enterMs = [];
  for (let k = 0; k < 3; k++) {
    await page.locator('.map').focus();
    const out = await measure('enter', { event: 'keydown', probe: 'inspector' }, () => page.keyboard.press('Enter'));
    if (out) enterMs.push(out.ms);
    await page.keyboard.press('Escape');
    await page.getByTestId('inspector').waitFor({ state: 'detached' });
  }
  await mark('enterEnd');

  // Lasso (Shift+drag) three rectangles in the bare middle of the map; the selection count must
  // match the points inside (a lasso edge may split a point or two).
  log('lassoing …');
  placed = await placeAll();
  const bareRight = await page.evaluate(() => {
    const p = document.getElementById('panel-right');
    return p && !p.hidden ? p.getBoundingClientRect().left : Number.POSITIVE_INFINITY;
  });
  const midX = (Math.min(box.x + box.width, bareRight) - box.x) / 2;
  const midY = box.height / 2;
  const lassos = [];
  const ox = Math.round(box.x);
  const oy = Math.round(box.y);
  for (const [w, h] of [
    [120, 90],
    [220, 160],
    [320, 240],
  ]) {
    // Whole pixels, as the mouse events that draw the lasso carry them.
    const [x0, y0, x1, y1] = [midX - w / 2, midY - h / 2, midX + w / 2, midY + h / 2].map(Math.round);
    const path = [];
    const corners = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    for (let c = 0; c < 4; c++)
      for (let s = 0; s < 8; s++) path.push([corners[c][0] + ((corners[c + 1][0] - corners[c][0]) * s) / 8, corners[c][1] + ((corners[c + 1][1] - corners[c][1]) * s) / 8].map(Math.round));
    path.push([x0, y0]);
    const expected = countInRect(placed, x0 + ox - box.x, y0 + oy - box.y, x1 + ox - box.x, y1 + oy - box.y);
    await page.mouse.move(ox + x0, oy + y0);
    await frames(2);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    // One frame between moves: the lasso drops points that come closer together in time than 10 ms.
    for (const [x, y] of path) {
      await page.mouse.move(ox + x, oy + y);
      await frames(1);
    }
    const out = await measure(`lasso ${w}×${h}`, { event: 'pointerup', probe: 'selection' }, () => page.mouse.up());
    await page.keyboard.up('Shift');
    const selected = out ? Number(out.value.split('|')[0].replace(/,/g, '')) : null;
    lassos.push({ size: `${w}x${h}`, expected, selected, ms: out ? Number(out.ms.toFixed(1)) : null, frame_ms: out ? Number(out.frameMs.toFixed(1)) : null });
    if (selected !== null && Math.abs(selected - expected) > Math.max(5, expected * 0.01)) failures.push(`lasso ${w}×${h}: ${selected} selected, ${expected} inside`);
  }
  await page.keyboard.press('Escape');
  await mark('lassoEnd');

  // Search: Enter in the search box → "N matches" and N points selected (0: none).
  log('searching …');
  const searches = [];
  for (const q of ['b3', 'b7', 'no such label']) {
    const hits = data.labels.reduce((k, l) => k + (l.includes(q) ? 1 : 0), 0);
    const until = `${hits.toLocaleString('en-US')}|${hits.toLocaleString('en-US')} matches`;
    await page.getByTestId('search').fill(q);
    const out = await measure(`search ${q}`, { event: 'keydown', probe: 'selection', until }, () => page.getByTestId('search').press('Enter'));
    searches.push({ query: q, matches: hits, ms: out ? Number(out.ms.toFixed(1)) : null, frame_ms: out ? Number(out.frameMs.toFixed(1)) : null });
  }
  await page.keyboard.press('Escape');
  await mark('searchEnd');

  // Colour by nothing, by label again, by cluster; then by label and its legend filter (one label, then all).
  log('changing colours …');
  // Nothing and label again only restyle (label's codes are drawn already); cluster brings new codes.
  const colour = {};
  const probeIds = [...new Map(Array.from(data.clusters, (c, i) => [c, i])).values()];
  // Each change starts on a quiet page, and is timed to its colours drawn and to the page quiet again.
  const recolour = async (what, event, input) => {
    await page.evaluate(() => window.__bench.quiet());
    const out = await measure(what, { event, probe: 'color', arg: probeIds, idle: true }, input);
    if (out && out.idleMs === null) failures.push(`${what}: the page did not calm down (three frames under 100 ms) within 2 minutes`);
    return out ? { ms: Number(out.frameMs.toFixed(1)), idle_ms: out.idleMs === null ? null : Number(out.idleMs.toFixed(1)) } : null;
  };
  for (const key of ['none', 'label', 'cluster']) colour[key] = await recolour(`colour by ${key}`, 'change', () => page.getByTestId('color-by').selectOption(key));
  await recolour('colour back by label', 'change', () => page.getByTestId('color-by').selectOption('label'));
  const other = data.labels[0] === 'b1' ? 'b2' : 'b1';
  const filterOut = await recolour('legend filter', 'pointerup', () => page.locator('.legend-entry', { hasText: other }).click());
  const filterBack = await recolour('legend show all', 'pointerup', () => page.getByTestId('legend-reset').click());
  await mark('colourEnd');

  const { longtasks, marks } = await page.evaluate(() => ({ longtasks: window.__bench.longtasks, marks: window.__bench.marks }));
  const phases = [
    ['load', load.opened, marks.loadEnd],
    ['pan', marks.pan, marks.panEnd],
    ['hover', marks.hover, marks.hoverEnd],
    ['click', marks.hoverEnd, marks.clickEnd],
    ['enter', marks.clickEnd, marks.enterEnd],
    ['lasso', marks.enterEnd, marks.lassoEnd],
    ['search', marks.lassoEnd, marks.searchEnd],
    ['colour', marks.searchEnd, marks.colourEnd],
  ];
  const longest = Object.fromEntries(
    phases.map(([name, a, b]) => [name, longtasks ? Number(Math.max(0, ...longtasks.filter(([t]) => t >= a && t < b).map(([, d]) => d)).toFixed(0)) : null]),
  );
  const frameSum = summary(frameMs);
  const mean = frameMs.reduce((a, b) => a + b, 0) / Math.max(1, frameMs.length);
  const r1 = (v) => (v === null || v === undefined ? null : Number(v.toFixed(1)));
  const result = {
    n: args.n,
    renderer,
    opacity_by_density: await page.getByTestId('opacity-density').isChecked(),
    load_preview_ms: r1(load.previewMs),
    load_drawn_ms: r1(load.drawnMs),
    pan_s: args.seconds,
    pointer_moves: moves,
    frames: frameMs.length,
    frame_ms_p50: frameSum?.p50 ?? null,
    frame_ms_p95: frameSum?.p95 ?? null,
    frame_ms_max: frameSum?.max ?? null,
    fps_mean: Number((1000 / mean).toFixed(1)),
    pan_redraw_ms: summary(redrawMs),
    hover_ms: summary(hover.ms),
    hover_frame_ms: summary(hover.frameMs),
    hover_wrong: hover.wrong,
    click_inspect_ms: summary(clickMs),
    enter_inspect_ms: summary(enterMs),
    lasso: lassos,
    search: searches,
    colour_none: colour.none,
    colour_label: colour.label,
    colour_cluster: colour.cluster,
    legend_filter: filterOut,
    legend_all: filterBack,
    longtask_ms: { ...longest, all: Math.max(0, ...Object.values(longest).filter((v) => v !== null)) },
    loadavg_before: loadBefore,
    loadavg_after: loadavg(),
    cores: cpus().length,
    failures,
  };
  console.log(JSON.stringify(result));
  printTable(result);
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const f of failures) console.error(`[pan-bench] FAILED ${f}`);
  process.exit(1);
}

function printTable(r) {
  const s = (o) => (o ? `p50 ${o.p50}  p95 ${o.p95}  max ${o.max}  (${o.count})` : '–');
  const rows = [
    ['points', r.n.toLocaleString('en-US')],
    ['renderer', r.renderer],
    ['load: file → preview / map drawn (ms)', `${r.load_preview_ms} / ${r.load_drawn_ms}`],
    ['pan frame (ms)', `p50 ${r.frame_ms_p50}  p95 ${r.frame_ms_p95}  max ${r.frame_ms_max}  (${r.frames} frames, ${r.fps_mean} fps, ${r.pointer_moves} moves)`],
    ['pan frame that moved the map (ms)', s(r.pan_redraw_ms)],
    ['hover → tooltip (ms)', s(r.hover_ms)],
    ['hover → its frame done (ms)', `${s(r.hover_frame_ms)}  wrong ${r.hover_wrong}`],
    ['click → inspector (ms)', s(r.click_inspect_ms)],
    ['Enter → inspector (ms)', s(r.enter_inspect_ms)],
    ...r.lasso.map((l) => [`lasso ${l.size} → count (ms)`, `${l.ms} (frame ${l.frame_ms}), ${l.selected} selected / ${l.expected} inside`]),
    ...r.search.map((q) => [`search "${q.query}" → selected (ms)`, `${q.ms} (frame ${q.frame_ms}), ${q.matches} matches`]),
    ...[
      ['colour by nothing', r.colour_none],
      ['colour by label', r.colour_label],
      ['colour by cluster', r.colour_cluster],
      ['legend: one label', r.legend_filter],
      ['legend: show all', r.legend_all],
    ].map(([k, v]) => [`${k} → drawn / quiet (ms)`, v ? `${v.ms} / ${v.idle_ms}` : '–']),
    [
      'longest task (ms)',
      Object.entries(r.longtask_ms)
        .map(([k, v]) => `${k} ${v}`)
        .join('  '),
    ],
    ['load average before / after', `${r.loadavg_before.join(' ')} / ${r.loadavg_after.join(' ')} (${r.cores} cores)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.error(`${k.padEnd(w)}  ${v}`);
}
