import type { FuzzyGraph } from './types';

/**
 * Everything the SGD needs between epochs, as typed arrays: saving this and the embedding is a
 * complete checkpoint of the layout phase.
 */
export interface LayoutState {
  head: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float32Array;
  nextSample: Float32Array;
  nextNegative: Float32Array;
  /** xorshift state for negative sampling. */
  rng: Uint32Array;
  epoch: number;
  nEpochs: number;
}

/**
 * Drop edges too weak to be sampled even once in nEpochs (umap-learn does the same) and schedule the
 * rest: an edge of weight w is sampled every max(w)/w epochs.
 */
export function prepareLayout(g: FuzzyGraph, nEpochs: number, seed: number): LayoutState {
  let wmax = 0;
  for (let t = 0; t < g.weights.length; t++) if (g.weights[t]! > wmax) wmax = g.weights[t]!;
  const cut = wmax / nEpochs;
  let m = 0;
  for (let t = 0; t < g.weights.length; t++) if (g.weights[t]! >= cut) m++;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const eps = new Float32Array(m);
  let e = 0;
  for (let t = 0; t < g.weights.length; t++) {
    const w = g.weights[t]!;
    if (w < cut) continue;
    head[e] = g.rows[t]!;
    tail[e] = g.cols[t]!;
    eps[e] = wmax / w;
    e++;
  }
  const rng = new Uint32Array([seed >>> 0 || 1, 0x9e3779b9, 0x243f6a88, 0x85a308d3]);
  return {
    head,
    tail,
    epochsPerSample: eps,
    nextSample: eps.slice(),
    nextNegative: new Float32Array(m), // filled from the negative rate on the first epoch
    rng,
    epoch: 0,
    nEpochs,
  };
}

export interface LayoutConstants {
  a: number;
  b: number;
  gamma: number;
  initialAlpha: number;
  negativeSampleRate: number;
  nComponents: number;
  nVertices: number;
}

/**
 * One epoch of umap-learn's optimize_layout_euclidean (move_other = true): attract along sampled
 * edges, repel from random points, gradients clipped at ±4, learning rate decaying linearly.
 * d^b is computed once per pair and reused for the d^(b−1) term, halving the pow calls.
 */
export function runEpoch(state: LayoutState, emb: Float32Array, c: LayoutConstants): void {
  const { head, tail, epochsPerSample, nextSample, nextNegative } = state;
  const { a, b, gamma, nComponents: dim, nVertices } = c;
  const n = state.epoch;
  const alpha = c.initialAlpha * (1 - n / state.nEpochs);
  const negRate = c.negativeSampleRate;
  if (n === 0) for (let e = 0; e < head.length; e++) nextNegative[e] = epochsPerSample[e]! / negRate;
  const s = state.rng;
  let s0 = s[0]!,
    s1 = s[1]!,
    s2 = s[2]!;
  const twoAB = 2 * a * b;
  const twoGB = 2 * gamma * b;
  const m = head.length;
  for (let e = 0; e < m; e++) {
    if (nextSample[e]! > n) continue;
    const j = head[e]!;
    const k = tail[e]!;
    const jo = j * dim;
    const ko = k * dim;
    let d2 = 0;
    for (let t = 0; t < dim; t++) {
      const diff = emb[jo + t]! - emb[ko + t]!;
      d2 += diff * diff;
    }
    if (d2 > 0) {
      const pb = Math.pow(d2, b);
      const coeff = (-twoAB * pb) / d2 / (a * pb + 1);
      for (let t = 0; t < dim; t++) {
        let g = coeff * (emb[jo + t]! - emb[ko + t]!);
        if (g > 4) g = 4;
        else if (g < -4) g = -4;
        emb[jo + t]! += g * alpha;
        emb[ko + t]! -= g * alpha;
      }
    }
    nextSample[e]! += epochsPerSample[e]!;
    const epn = epochsPerSample[e]! / negRate;
    const nNeg = Math.floor((n - nextNegative[e]!) / epn);
    for (let p = 0; p < nNeg; p++) {
      // Tausworthe generator as in umap-learn's tau_rand_int: cheap and stateful in three words.
      s0 = (((s0 & 4294967294) << 12) ^ (((s0 << 13) ^ s0) >>> 19)) >>> 0;
      s1 = (((s1 & 4294967288) << 4) ^ (((s1 << 2) ^ s1) >>> 25)) >>> 0;
      s2 = (((s2 & 4294967280) << 17) ^ (((s2 << 3) ^ s2) >>> 11)) >>> 0;
      const r = (s0 ^ s1 ^ s2) >>> 0;
      const kk = r % nVertices;
      if (kk === j) continue;
      const kko = kk * dim;
      let dn = 0;
      for (let t = 0; t < dim; t++) {
        const diff = emb[jo + t]! - emb[kko + t]!;
        dn += diff * diff;
      }
      if (dn > 0) {
        const coeff = twoGB / ((0.001 + dn) * (a * Math.pow(dn, b) + 1));
        for (let t = 0; t < dim; t++) {
          let g = coeff * (emb[jo + t]! - emb[kko + t]!);
          if (g > 4) g = 4;
          else if (g < -4) g = -4;
          emb[jo + t]! += g * alpha;
        }
      } else {
        // Coincident points: umap-learn pushes with the clip value so they separate.
        for (let t = 0; t < dim; t++) emb[jo + t]! += 4 * alpha;
      }
    }
    nextNegative[e]! += nNeg * epn;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  state.epoch = n + 1;
}
