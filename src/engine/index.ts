export * from './types';
export { DEFAULT_PARAMS, resolveParams, autoEpochs, epochsFor } from './params';
export { UmapEngine, type EngineCheckpoint, type EngineHooks, type RunControl } from './engine';
export { ComputeCore, LocalPool, type ComputePool } from './compute-core';
// The algorithm's steps, under umap-learn's names (see README.md in this folder).
export { smoothKnnDist } from './smooth-knn-dist';
export { computeMembershipStrengths, fuzzySimplicialSet } from './fuzzy-simplicial-set';
export { spectralLayout } from './spectral-layout';
export { makeEpochsPerSample, layoutGraph } from './layout-graph';
export { optimizeLayoutEuclidean, learningRate, type EpochRunner } from './optimize-layout';
export { optimizeLayoutEuclideanSingleEpoch, type LayoutConstants, type LayoutGraph } from './sgd-layout';
export { findAbParams } from './find-ab-params';
// Placing new points into a finished map (umap-learn's UMAP.transform).
export {
  TransformEngine,
  TransformCore,
  LocalTransformPool,
  SplitTransformPool,
  pointKeys,
  recomputeKnnGraph,
  transform,
  buildFittedModel,
  fittedModelOf,
  knnKeeper,
  transformEpochsFor,
  type FittedModel,
  type FittedParts,
  type TransformCheckpoint,
  type TransformOptions,
  type TransformResult,
  type TransformHooks,
  type TransformPool,
  type TransformWorker,
} from './transform';
