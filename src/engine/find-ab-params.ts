/**
 * umap-learn's find_ab_params (same argument order): fit a and b of the low-dimensional similarity
 * 1 / (1 + a·x^(2b)) to the target curve that spread and min_dist describe, as umap-learn does with
 * scipy's curve_fit: least squares over 300 points on [0, 3·spread], here by Levenberg–Marquardt from (1, 1).
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const x = (3 * spread * t) / (m - 1);
    xs[t] = x;
    ys[t] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let err = sse(xs, ys, a, b);
  for (let it = 0; it < 200; it++) {
    let jaa = 0,
      jab = 0,
      jbb = 0,
      ga = 0,
      gb = 0;
    for (let t = 0; t < m; t++) {
      const x = xs[t]!;
      if (x <= 0) continue; // f = 1 and both derivatives vanish at x = 0
      const x2b = x ** (2 * b);
      const den = 1 + a * x2b;
      const f = 1 / den;
      const r = ys[t]! - f;
      const dfa = -x2b / (den * den);
      const dfb = (-a * x2b * 2 * Math.log(x)) / (den * den);
      jaa += dfa * dfa;
      jab += dfa * dfb;
      jbb += dfb * dfb;
      ga += dfa * r;
      gb += dfb * r;
    }
    const A = jaa * (1 + lambda);
    const D = jbb * (1 + lambda);
    const det = A * D - jab * jab;
    if (!(Math.abs(det) > 0)) break;
    const da = (D * ga - jab * gb) / det;
    const db = (A * gb - jab * ga) / det;
    const na = a + da;
    const nb = b + db;
    const nerr = na > 0 && nb > 0 ? sse(xs, ys, na, nb) : Infinity;
    if (nerr < err) {
      const done = Math.abs(err - nerr) < 1e-12 * (1 + err);
      a = na;
      b = nb;
      err = nerr;
      lambda *= 0.3;
      if (done) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}

function sse(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let t = 0; t < xs.length; t++) {
    const r = ys[t]! - 1 / (1 + a * xs[t]! ** (2 * b));
    s += r * r;
  }
  return s;
}
