// The fit's starting layout (umap-learn's init='spectral'): the spectral embedding of the fuzzy
// graph, or PCA of the data when the eigensolver gives up, normalised as umap-learn does.
import type { FuzzyGraph, Matrix, UmapParams } from './types';
import { spectralLayout } from './spectral-layout';
import { normaliseInit, pcaProjection } from './pca-init';
import { Rng, deriveSeed } from './prng';
import { now } from './run-steps';

export function initialEmbedding(
  graph: FuzzyGraph,
  input: Matrix,
  p: UmapParams,
  onProgress: (done: number, total: number, label: string) => void,
  log: (line: string) => void,
): Float32Array {
  const { n, d, data } = input;
  // The solve is one synchronous step; its progress still reaches the page (a busy Worker's
  // postMessage is delivered at once), so a long init shows it is moving.
  let lastEmit = now();
  const spectral = spectralLayout(graph, p.nComponents, deriveSeed(p.seed, 2), (pass, step, m, maxPasses) => {
    const t = now();
    if (t - lastEmit < 200) return;
    lastEmit = t;
    onProgress(pass * m + step, maxPasses * m, `spectral, Lanczos pass ${pass + 1} (≤ ${maxPasses}), step ${step} of ${m}`);
  });
  let coords: Float64Array;
  if (spectral.ok) {
    coords = spectral.coords;
    log('Init: spectral embedding of the graph Laplacian.');
  } else {
    log(`Init: spectral init not used (${spectral.reason}); fell back to PCA of the data.`);
    coords = pcaProjection(data, n, d, p.nComponents, deriveSeed(p.seed, 3));
  }
  return normaliseInit(coords, n, p.nComponents, new Rng(deriveSeed(p.seed, 4)));
}
