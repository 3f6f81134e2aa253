// Deterministic synthetic datasets for demo links: the same (kind, n, d, seed) gives the same rows,
// bit for bit, in any browser, so a link rebuilds the same map on someone else's machine.
import { gaussianMixture } from '../engine/synthetic';
import { Rng, deriveSeed } from '../engine/prng';
import type { LinkSource } from './link';

export interface SyntheticData {
  data: Float32Array;
  n: number;
  d: number;
  labels: string[];
  labelName: string;
  name: string;
}

/** Generator seed: fixed per source so the link's `seed` (the UMAP seed) changes only the layout. */
const DATA_SEED = 20240607;

export function generate(source: Exclude<LinkSource, { kind: 'digits' } | { kind: 'url' }>): SyntheticData {
  if (source.kind === 'blobs') {
    const { data, labels } = gaussianMixture({ n: source.n, d: source.d, clusters: source.clusters, seed: DATA_SEED });
    return { data, n: source.n, d: source.d, labels: Array.from(labels, (l) => `blob ${l}`), labelName: 'blob', name: `blobs-${source.n}x${source.d}` };
  }
  return manifold(source.kind, source.n, source.d);
}

/**
 * A 2-D manifold in 3-D (swiss roll, or a sphere's surface), turned into d dimensions by a random
 * orthonormal 3-frame plus a little isotropic noise. Labels: position along the roll / latitude band.
 */
function manifold(kind: 'swissroll' | 'sphere', n: number, d: number): SyntheticData {
  const rng = new Rng(deriveSeed(DATA_SEED, kind === 'swissroll' ? 1 : 2));
  const frame = orthonormalFrame(d, new Rng(deriveSeed(DATA_SEED, 3)));
  const data = new Float32Array(n * d);
  const labels = new Array<string>(n);
  const p = [0, 0, 0];
  const noise = kind === 'swissroll' ? 0.05 : 0.01;
  const bands = 6;
  for (let i = 0; i < n; i++) {
    let band: number;
    if (kind === 'swissroll') {
      const u = rng.float();
      const t = 1.5 * Math.PI * (1 + 2 * u);
      p[0] = (t * Math.cos(t)) / 10;
      p[1] = (21 * rng.float()) / 10;
      p[2] = (t * Math.sin(t)) / 10;
      band = Math.min(bands - 1, Math.floor(u * bands));
    } else {
      const z = 2 * rng.float() - 1;
      const phi = 2 * Math.PI * rng.float();
      const r = Math.sqrt(1 - z * z);
      p[0] = r * Math.cos(phi);
      p[1] = r * Math.sin(phi);
      p[2] = z;
      band = Math.min(bands - 1, Math.floor(((z + 1) / 2) * bands));
    }
    labels[i] = `band ${band}`;
    const o = i * d;
    for (let t = 0; t < d; t++) data[o + t] = frame[t]! * p[0]! + frame[d + t]! * p[1]! + frame[2 * d + t]! * p[2]! + noise * rng.normal();
  }
  return { data, n, d, labels, labelName: kind === 'swissroll' ? 'position' : 'latitude', name: `${kind}-${n}x${d}` };
}

/** Three orthonormal d-vectors by Gram–Schmidt on Gaussian draws. */
function orthonormalFrame(d: number, rng: Rng): Float64Array {
  const f = new Float64Array(3 * d);
  for (let a = 0; a < 3; a++) {
    for (let t = 0; t < d; t++) f[a * d + t] = rng.normal();
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += f[a * d + t]! * f[b * d + t]!;
      for (let t = 0; t < d; t++) f[a * d + t]! -= dot * f[b * d + t]!;
    }
    let norm = 0;
    for (let t = 0; t < d; t++) norm += f[a * d + t]! ** 2;
    norm = Math.sqrt(norm);
    for (let t = 0; t < d; t++) f[a * d + t]! /= norm;
  }
  return f;
}
