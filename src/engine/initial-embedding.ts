// The fit's starting layout (umap-learn's init='spectral'): the spectral embedding of the fuzzy
// graph, or PCA of the data when the eigensolver gives up, normalised as umap-learn does.
import type { FuzzyGraph, Matrix, UmapParams } from './types';
import { spectralSteps } from './spectral-layout';
import { normaliseInit, pcaProjection } from './pca-init';
import { Rng, deriveSeed } from './prng';
import type { StepPacer } from './step-pacer';
import { now } from './run-steps';

/**
 * The init run a step at a time: each run() takes as many slices of the solve as the pacer's step
 * time allows, and gives the embedding once it is done. Its state is not checkpointed (the Krylov
 * basis, m·n doubles): a run paused meanwhile starts the init again, with the same result.
 */
export class InitSteps {
  private readonly steps: Generator<void, Float32Array>;
  /** The solve's last reported position, for the progress line. */
  progress = { done: 0, total: 1, label: 'spectral' };

  constructor(graph: FuzzyGraph, input: Matrix, p: UmapParams, log: (line: string) => void) {
    this.steps = initialEmbedding(graph, input, p, (done, total, label) => (this.progress = { done, total, label }), log);
  }

  run(pacer: StepPacer): Float32Array | null {
    const t0 = now();
    let r = this.steps.next();
    while (!r.done && pacer.more(t0)) r = this.steps.next();
    return r.done ? r.value : null;
  }
}

/**
 * The init as a generator that yields between slices of the spectral solve (spectralSteps) and returns
 * the embedding: the engine runs it over as many steps as its step time needs. The PCA fallback, a
 * sampled power iteration (under a second at a million points), is one slice.
 */
function* initialEmbedding(
  graph: FuzzyGraph,
  input: Matrix,
  p: UmapParams,
  onProgress: (done: number, total: number, label: string) => void,
  log: (line: string) => void,
): Generator<void, Float32Array> {
  const { n, d, data } = input;
  const spectral = yield* spectralSteps(graph, p.nComponents, deriveSeed(p.seed, 2), (pass, step, m, maxPasses) =>
    onProgress(pass * m + step, maxPasses * m, `spectral, Lanczos pass ${pass + 1} (≤ ${maxPasses}), step ${step} of ${m}`),
  );
  let coords: Float64Array;
  if (spectral.ok) {
    coords = spectral.coords;
    log('Init: spectral embedding of the graph Laplacian.');
  } else {
    log(`Init: spectral init not used (${spectral.reason}); fell back to PCA of the data.`);
    yield;
    coords = pcaProjection(data, n, d, p.nComponents, deriveSeed(p.seed, 3));
  }
  return normaliseInit(coords, n, p.nComponents, new Rng(deriveSeed(p.seed, 4)));
}
