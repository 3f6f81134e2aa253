import { EngineInputError, type UmapParams } from './types';

export const DEFAULT_PARAMS: UmapParams = {
  nNeighbors: 15,
  minDist: 0.1,
  spread: 1.0,
  nEpochs: null,
  metric: 'euclidean',
  seed: 42,
  nComponents: 2,
  knnChunkSize: 1000,
  exactKnnMaxN: 4096,
  learningRate: 1.0,
  negativeSampleRate: 5,
  repulsionStrength: 1.0,
  localConnectivity: 1.0,
  setOpMixRatio: 1.0,
  backend: 'auto',
  gpuMemoryFraction: 0.8,
};

/** umap-learn's rule: small data gets more epochs because each epoch is cheap and it helps quality. */
export function autoEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200;
}

/** Merge user parameters over the defaults and reject values the engine cannot honour. */
export function resolveParams(partial: Partial<UmapParams>, n: number): UmapParams {
  const p: UmapParams = { ...DEFAULT_PARAMS, ...stripUndefined(partial) };
  const fail = (msg: string): never => {
    throw new EngineInputError(msg);
  };
  if (!Number.isInteger(p.nNeighbors) || p.nNeighbors < 2) fail(`n_neighbors must be an integer ≥ 2 (got ${p.nNeighbors}).`);
  if (n < p.nNeighbors + 1) fail(`The data has ${n} point${n === 1 ? '' : 's'}, but n_neighbors = ${p.nNeighbors} needs at least ${p.nNeighbors + 1}. Lower n_neighbors or add points.`);
  if (!(p.minDist >= 0)) fail(`min_dist must be ≥ 0 (got ${p.minDist}).`);
  if (!(p.spread > 0)) fail(`spread must be > 0 (got ${p.spread}).`);
  if (p.minDist > p.spread) fail(`min_dist (${p.minDist}) must not exceed spread (${p.spread}).`);
  if (p.nEpochs !== null && (!Number.isInteger(p.nEpochs) || p.nEpochs < 1)) fail(`n_epochs must be a positive integer or auto (got ${p.nEpochs}).`);
  if (p.metric !== 'euclidean' && p.metric !== 'cosine') fail(`metric must be euclidean or cosine (got ${String(p.metric)}).`);
  if (p.nComponents !== 2 && p.nComponents !== 3) fail(`n_components must be 2 or 3 (got ${p.nComponents}).`);
  if (!Number.isInteger(p.seed)) fail(`seed must be an integer (got ${p.seed}).`);
  if (p.backend !== 'auto' && p.backend !== 'cpu' && p.backend !== 'webgpu') fail(`backend must be auto, cpu or webgpu (got ${String(p.backend)}).`);
  if (!(p.gpuMemoryFraction > 0 && p.gpuMemoryFraction <= 1)) fail(`gpuMemoryFraction must be in (0, 1] (got ${p.gpuMemoryFraction}).`);
  if (!Number.isInteger(p.knnChunkSize) || p.knnChunkSize < 1) fail(`kNN chunk size must be a positive integer (got ${p.knnChunkSize}).`);
  return p;
}

export function epochsFor(p: UmapParams, n: number): number {
  return p.nEpochs ?? autoEpochs(n);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
