// Deterministic Gaussian-mixture data for tests and benchmarks at any size. Cluster centres and each
// cluster's own spread live in a random low-dimensional subspace, while isotropic noise fills all d
// dimensions, so in high d the clusters overlap in raw distance and neighbours are not trivially pure.
import { Rng, deriveSeed } from './prng';

export interface GaussianMixtureOptions {
  n: number;
  d: number;
  clusters?: number;
  seed?: number;
  /** Noise scale: per-dimension std is spread·√(min(1, r/d)), so the noise norm is about spread·√r at any d; centres are N(0, 1.2²) along each subspace axis. */
  spread?: number;
  /** Dimension of the subspace holding the structure; default min(d, 16). */
  subspaceDim?: number;
}

export interface LabelledData {
  data: Float32Array;
  labels: Int32Array;
}

// Centres close enough that neighbouring clusters touch, as real classes do: the kNN graph stays
// connected and 2-D quality numbers land near those of real image embeddings.
const CENTRE_SCALE = 1.2;
const WITHIN_SCALE = 1;

/**
 * A sequential generator: rows come out in order, and the result does not depend on how the caller
 * chunks them, so a 70k × 784 file can be written a block at a time.
 */
export function createGaussianMixture(opts: GaussianMixtureOptions) {
  const { d, clusters = 10, seed = 1, spread = 1 } = opts;
  const r = Math.max(1, Math.min(d, opts.subspaceDim ?? 16));
  const setup = new Rng(deriveSeed(seed, 0));
  // r × d basis with N(0, 1/d) entries: nearly orthonormal rows for large d.
  const basis = new Float64Array(r * d);
  const basisScale = 1 / Math.sqrt(d);
  for (let i = 0; i < basis.length; i++) basis[i] = setup.normal() * basisScale;
  const centres = new Float64Array(clusters * r);
  for (let i = 0; i < centres.length; i++) centres[i] = setup.normal() * CENTRE_SCALE;
  // Each cluster stretches differently along the subspace axes, so shapes are not all round.
  const stretch = new Float64Array(clusters * r);
  for (let i = 0; i < stretch.length; i++) stretch[i] = WITHIN_SCALE * (0.3 + 1.4 * setup.float());

  // Noise per dimension shrinks with d so its total size matches the structure's at any d; otherwise
  // high-d data would be pure noise and every method's neighbours meaningless.
  const noise = spread * Math.sqrt(Math.min(1, r / d));
  const rng = new Rng(deriveSeed(seed, 1));
  const latent = new Float64Array(r);

  /** Writes the next `count` rows into data (count × d) and labels (count). */
  function next(data: Float32Array, labels: Int32Array, count: number): void {
    for (let row = 0; row < count; row++) {
      const c = rng.int(clusters);
      labels[row] = c;
      for (let a = 0; a < r; a++) latent[a] = centres[c * r + a]! + stretch[c * r + a]! * rng.normal();
      const o = row * d;
      for (let t = 0; t < d; t++) data[o + t] = noise * rng.normal();
      for (let a = 0; a < r; a++) {
        const z = latent[a]!;
        const b = a * d;
        for (let t = 0; t < d; t++) data[o + t]! += z * basis[b + t]!;
      }
    }
  }

  return { d, clusters, next };
}

export function gaussianMixture(opts: GaussianMixtureOptions): LabelledData {
  const gen = createGaussianMixture(opts);
  const data = new Float32Array(opts.n * opts.d);
  const labels = new Int32Array(opts.n);
  gen.next(data, labels, opts.n);
  return { data, labels };
}
