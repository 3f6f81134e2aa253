import type { FuzzyGraph } from './types';
import type { LayoutGraph } from './sgd-layout';

/**
 * umap-learn's make_epochs_per_sample, with the pruning simplicial_set_embedding does just before it
 * folded in: an edge of weight w is sampled every max(w)/w epochs, and an edge too weak to be sampled
 * once in nEpochs (w < max(w)/nEpochs) gets −1, never sampled.
 */
export function makeEpochsPerSample(weights: Float32Array, nEpochs: number): Float32Array {
  let wmax = 0;
  for (let t = 0; t < weights.length; t++) if (weights[t]! > wmax) wmax = weights[t]!;
  const cut = wmax / nEpochs;
  const eps = new Float32Array(weights.length);
  for (let t = 0; t < weights.length; t++) {
    const w = weights[t]!;
    eps[t] = sampledWeight(w, cut) ? wmax / w : -1;
  }
  return eps;
}

/**
 * Whether an edge of weight w is kept for the layout: at least the cut, and not zero (umap-learn
 * eliminates the zeros its pruning leaves), so a graph of zero weights has no edges rather than edges
 * sampled every NaN epochs. NaN weights are left out too.
 */
export const sampledWeight = (w: number, cut: number) => w >= cut && w > 0;

/**
 * The sampled edges of the fuzzy graph grouped by head point (CSR), each with its epochs-per-sample:
 * what the layout's kernel walks. Edges marked −1 are left out. Cheap to rebuild, so it is never
 * checkpointed.
 */
export function layoutGraph(g: FuzzyGraph, epochsPerSample: Float32Array): LayoutGraph {
  let m = 0;
  for (let t = 0; t < epochsPerSample.length; t++) if (epochsPerSample[t]! >= 0) m++;
  const ptr = new Int32Array(g.n + 1);
  const tail = new Int32Array(m);
  const eps = new Float32Array(m);
  let e = 0;
  for (let t = 0; t < epochsPerSample.length; t++) {
    const s = epochsPerSample[t]!;
    if (s < 0) continue;
    ptr[g.rows[t]! + 1]!++;
    tail[e] = g.cols[t]!;
    eps[e] = s;
    e++;
  }
  for (let i = 0; i < g.n; i++) ptr[i + 1]! += ptr[i]!;
  return { n: g.n, ptr, tail, epochsPerSample: eps };
}
