import { Rng } from './prng';

/**
 * Top principal components of the data (block power iteration on at most `maxSample` rows), with
 * every row projected onto them. The fallback init when the spectral solve cannot be used.
 */
export function pcaProjection(data: Float32Array, n: number, d: number, nComponents: number, seed: number, maxSample = 20_000): Float64Array {
  const rng = new Rng(seed);
  const sampleN = Math.min(n, maxSample);
  const sample = new Int32Array(sampleN);
  if (sampleN === n) for (let i = 0; i < n; i++) sample[i] = i;
  else for (let i = 0; i < sampleN; i++) sample[i] = Math.floor((i * n) / sampleN);
  const mean = new Float64Array(d);
  for (const r of sample) for (let c = 0; c < d; c++) mean[c]! += data[r * d + c]!;
  for (let c = 0; c < d; c++) mean[c]! /= sampleN;

  const k = nComponents;
  let Q = new Float64Array(d * k);
  for (let t = 0; t < Q.length; t++) Q[t] = rng.normal();
  gramSchmidt(Q, d, k);
  const proj = new Float64Array(k);
  for (let it = 0; it < 30; it++) {
    const next = new Float64Array(d * k);
    for (const r of sample) {
      const o = r * d;
      proj.fill(0);
      for (let c = 0; c < d; c++) {
        const x = data[o + c]! - mean[c]!;
        for (let j = 0; j < k; j++) proj[j]! += x * Q[c * k + j]!;
      }
      for (let c = 0; c < d; c++) {
        const x = data[o + c]! - mean[c]!;
        for (let j = 0; j < k; j++) next[c * k + j]! += x * proj[j]!;
      }
    }
    gramSchmidt(next, d, k);
    Q = next;
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let c = 0; c < d; c++) {
      const x = data[o + c]! - mean[c]!;
      for (let j = 0; j < k; j++) out[i * k + j]! += x * Q[c * k + j]!;
    }
  }
  return out;
}

/** Modified Gram–Schmidt on the k columns of a d × k row-major matrix, in place (a zero column stays zero). */
export function gramSchmidt(Q: Float64Array, d: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += Q[c * k + j]! * Q[c * k + p]!;
      for (let c = 0; c < d; c++) Q[c * k + j]! -= s * Q[c * k + p]!;
    }
    let s = 0;
    for (let c = 0; c < d; c++) s += Q[c * k + j]! ** 2;
    s = Math.sqrt(s) || 1;
    for (let c = 0; c < d; c++) Q[c * k + j]! /= s;
  }
}

/**
 * umap-learn's treatment of any init: scale so the largest |coordinate| is 10, add N(0, 1e-4) noise
 * to break ties, then min–max scale each axis to [0, 10].
 */
export function normaliseInit(coords: Float64Array, n: number, k: number, rng: Rng): Float32Array {
  let maxAbs = 0;
  for (let t = 0; t < coords.length; t++) maxAbs = Math.max(maxAbs, Math.abs(coords[t]!));
  const expansion = maxAbs > 0 ? 10 / maxAbs : 1;
  const out = new Float32Array(n * k);
  for (let t = 0; t < coords.length; t++) out[t] = Math.fround(coords[t]! * expansion) + 0.0001 * rng.normal();
  for (let j = 0; j < k; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = out[i * k + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) out[i * k + j] = (10 * (out[i * k + j]! - lo)) / span;
  }
  return out;
}
