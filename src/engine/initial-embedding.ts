// The fit's starting layout (umap-learn's init='spectral'): the spectral embedding of the fuzzy
// graph, or PCA of the data when the eigensolver gives up, normalised as umap-learn does.
import type { FuzzyGraph, Matrix, UmapParams } from './types';
import { spectralSolver, type LanczosProgress, type SpectralSolver } from './spectral-layout';
import type { ComputePool } from './compute-core';
import { normaliseInit, pcaProjection } from './pca-init';
import { Rng, deriveSeed } from './prng';
import type { StepPacer } from './step-pacer';
import { now } from './run-steps';

/**
 * The init run a step at a time: each run() takes as many slices of the solve as the pacer's step
 * time allows, and gives the embedding once it is done. Its state is not checkpointed (the Krylov
 * basis, m·n doubles): a run paused meanwhile starts the init again, with the same result. The solve
 * runs where the pool offers one (the GPU), else in this thread.
 */
export class InitSteps {
  private readonly solver: SpectralSolver;
  /** The spectral solve gave up: the next run computes the PCA fallback. */
  private pcaNext = false;
  /** The solve's last reported position, for the progress line. */
  progress = { done: 0, total: 1, label: 'spectral' };

  constructor(
    graph: FuzzyGraph,
    private readonly input: Matrix,
    private readonly p: UmapParams,
    private readonly log: (line: string) => void,
    pool?: ComputePool,
  ) {
    const onStep: LanczosProgress = (pass, step, m, maxPasses) =>
      (this.progress = { done: pass * m + step, total: maxPasses * m, label: `spectral, Lanczos pass ${pass + 1} (≤ ${maxPasses}), step ${step} of ${m}` });
    const seed = deriveSeed(p.seed, 2);
    this.solver = pool?.spectralSolver?.(graph, p.nComponents, seed, onStep) ?? spectralSolver(graph, p.nComponents, seed, onStep);
  }

  async run(pacer: StepPacer): Promise<Float32Array | null> {
    const { n, d, data } = this.input;
    const { nComponents, seed } = this.p;
    let coords: Float64Array;
    if (!this.pcaNext) {
      const t0 = now();
      const spectral = await this.solver.advance(() => pacer.more(t0));
      if (!spectral) return null;
      this.solver.dispose();
      if (!spectral.ok) {
        // The PCA fallback, a sampled power iteration (under a second at a million points), is a step of its own.
        this.pcaNext = true;
        this.log(`Init: spectral init not used (${spectral.reason}); fell back to PCA of the data.`);
        return null;
      }
      coords = spectral.coords;
      this.log('Init: spectral embedding of the graph Laplacian.');
    } else {
      coords = pcaProjection(data, n, d, nComponents, deriveSeed(seed, 3));
    }
    return normaliseInit(coords, n, nComponents, new Rng(deriveSeed(seed, 4)));
  }
}
