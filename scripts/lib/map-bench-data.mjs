// The pan bench's side in Node: the synthetic map it opens, and the geometry it checks the page's
// answers against (which point is under the pointer, which points a lasso holds). The page is never
// asked to scan its points for the bench: that would be main-thread work the bench itself measures.

/**
 * A deterministic layout-like cloud of n points: 40 blobs of uneven size (xorshift + Box-Muller),
 * labelled b0…b9 (four blobs a label), with each blob as its cluster.
 */
export function syntheticMap(n) {
  let s = 12345;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Array.from({ length: 40 }, () => [rnd() * 30 - 15, rnd() * 30 - 15, 0.2 + rnd()]);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const labels = new Array(n);
  const clusters = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(rnd() * centres.length);
    const [cx, cy, sd] = centres[b];
    x[i] = cx + sd * normal();
    y[i] = cy + sd * normal();
    labels[i] = `b${b % 10}`;
    clusters[i] = b;
  }
  return { x, y, labels, clusters };
}

/**
 * The map file the app opens (written in pieces: one string of 1M coordinates is too long for some
 * engines). It carries its clusters, as a saved map does, so the app shows them rather than running
 * HDBSCAN on 1M points in the background of every measurement.
 */
export function* mapFileChunks({ x, y, labels, clusters }) {
  const n = x.length;
  yield `{"mapstream":1,"name":"bench","n":${n},"nComponents":2,"params":{},"coords":[`;
  const step = 50_000;
  for (let a = 0; a < n; a += step) {
    const parts = [];
    for (let i = a; i < Math.min(n, a + step); i++) parts.push(x[i], y[i]);
    yield (a > 0 ? ',' : '') + parts.join(',');
  }
  yield `],"labels":${JSON.stringify(labels)},"clusters":[${clusters.join(',')}]}`;
}

/** Three far-apart points (leftmost, rightmost, and the one farthest from the line through them). */
export function anchorPoints({ x, y }) {
  let a = 0;
  let b = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i] < x[a]) a = i;
    if (x[i] > x[b]) b = i;
  }
  let c = 0;
  let best = -1;
  for (let i = 0; i < x.length; i++) {
    const area = Math.abs((x[b] - x[a]) * (y[i] - y[a]) - (y[b] - y[a]) * (x[i] - x[a]));
    if (area > best) {
      best = area;
      c = i;
    }
  }
  return [a, b, c];
}

/**
 * Every point's position on screen (CSS px from the map's corner), from where the page draws the
 * three anchors: the 2-D camera and the app's normalisation are both affine.
 */
export function screenPositions({ x, y }, anchors, screen) {
  const [a, b, c] = anchors;
  const det = (x[b] - x[a]) * (y[c] - y[a]) - (x[c] - x[a]) * (y[b] - y[a]);
  const solve = (sa, sb, sc) => {
    const m1 = ((sb - sa) * (y[c] - y[a]) - (sc - sa) * (y[b] - y[a])) / det;
    const m2 = ((x[b] - x[a]) * (sc - sa) - (x[c] - x[a]) * (sb - sa)) / det;
    return [m1, m2, sa - m1 * x[a] - m2 * y[a]];
  };
  const [xx, xy, x0] = solve(screen[0][0], screen[1][0], screen[2][0]);
  const [yx, yy, y0] = solve(screen[0][1], screen[1][1], screen[2][1]);
  const sx = new Float64Array(x.length);
  const sy = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    sx[i] = xx * x[i] + xy * y[i] + x0;
    sy[i] = yx * x[i] + yy * y[i] + y0;
  }
  return { sx, sy };
}

/** Distance on screen from (px, py) to point i, and to the point nearest it. */
export function nearestOnScreen({ sx, sy }, px, py) {
  let best = Infinity;
  let at = -1;
  for (let i = 0; i < sx.length; i++) {
    const d = (sx[i] - px) ** 2 + (sy[i] - py) ** 2;
    if (d < best) {
      best = d;
      at = i;
    }
  }
  return { index: at, distance: Math.sqrt(best) };
}

export function distanceOnScreen({ sx, sy }, i, px, py) {
  return Math.hypot(sx[i] - px, sy[i] - py);
}

/** How many points lie inside the rectangle (x0, y0)–(x1, y1) on screen. */
export function countInRect({ sx, sy }, x0, y0, x1, y1) {
  let k = 0;
  for (let i = 0; i < sx.length; i++) if (sx[i] > x0 && sx[i] < x1 && sy[i] > y0 && sy[i] < y1) k++;
  return k;
}

/** p50, p95 and max of a list of milliseconds (null for an empty one), rounded to 0.1 ms. */
export function summary(ms) {
  if (ms.length === 0) return null;
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const r = (v) => Number(v.toFixed(1));
  return { p50: r(q(0.5)), p95: r(q(0.95)), max: r(sorted[sorted.length - 1]), count: ms.length };
}
