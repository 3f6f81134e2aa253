// Ground truths the unit tests and the e2e specs measure maps against, computed plainly in float64.

/** Exact k nearest rows of x (n × d) for each row of q (m × d), by brute force, ties to the lower index. */
export function bruteKnn(q: ArrayLike<number>, m: number, x: ArrayLike<number>, n: number, d: number, k: number): Int32Array {
  const out = new Int32Array(m * k);
  const dist = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = q[i * d + t]! - x[j * d + t]!;
        s += e * e;
      }
      dist[j] = s;
    }
    const o = order.slice().sort((a, b) => dist[a]! - dist[b]! || a - b);
    for (let t = 0; t < k; t++) out[i * k + t] = o[t]!;
  }
  return out;
}

/** Mean distance a point moved between two 2-D maps, as a share of the first map's larger side. */
export function meanDisplacement(a: Float32Array, b: Float32Array): number {
  const n = a.length / 2;
  let sum = 0;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    sum += Math.hypot(a[2 * i]! - b[2 * i]!, a[2 * i + 1]! - b[2 * i + 1]!);
    for (let j = 0; j < 2; j++) {
      lo[j] = Math.min(lo[j]!, a[2 * i + j]!);
      hi[j] = Math.max(hi[j]!, a[2 * i + j]!);
    }
  }
  return sum / n / Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!);
}
