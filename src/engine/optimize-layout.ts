import type { LayoutConstants } from './sgd-layout';

/**
 * Where an epoch's moves are computed: this thread (LocalPool), the pool's Workers, or the GPU. Each
 * runs optimizeLayoutEuclideanSingleEpoch (or its WGSL twin) over every point at the alpha given.
 */
export interface EpochRunner {
  /** Advance the embedding (updated in place) by one epoch at learning rate alpha. */
  layoutEpoch(epoch: number, alpha: number, embedding: Float32Array): Promise<void>;
  /**
   * Optional: the epochs epoch, epoch + 1, … at alphas[0], alphas[1], … in one call (the GPU reads
   * back once per batch). Same result as one layoutEpoch call per alpha; the embedding changes only
   * when all are done.
   */
  layoutEpochs?(epoch: number, alphas: readonly number[], embedding: Float32Array): Promise<void>;
}

/** umap-learn's schedule: alpha decays linearly from the initial learning rate to 0 over nEpochs. */
export function learningRate(c: Pick<LayoutConstants, 'initialAlpha' | 'nEpochs'>, epoch: number): number {
  return c.initialAlpha * (1 - epoch / c.nEpochs);
}

/**
 * umap-learn's optimize_layout_euclidean for epochs [from, to): the driver, which owns the learning
 * rate's decay, over plain typed-array state (the embedding; the layout graph and constants were
 * handed to the runner once). A range rather than all n_epochs at once, so the engine can stop at
 * any epoch and resume from a checkpoint with the same result.
 */
export async function optimizeLayoutEuclidean(embedding: Float32Array, from: number, to: number, c: Pick<LayoutConstants, 'initialAlpha' | 'nEpochs'>, runner: EpochRunner): Promise<void> {
  if (to <= from) return;
  if (runner.layoutEpochs) {
    const alphas: number[] = [];
    for (let e = from; e < to; e++) alphas.push(learningRate(c, e));
    return runner.layoutEpochs(from, alphas, embedding);
  }
  for (let e = from; e < to; e++) await runner.layoutEpoch(e, learningRate(c, e), embedding);
}
