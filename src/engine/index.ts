export * from './types';
export { DEFAULT_PARAMS, resolveParams, autoEpochs, epochsFor } from './params';
export { UmapEngine, type EngineCheckpoint, type EngineHooks, type RunControl } from './engine';
export { ComputeCore, LocalPool, type ComputePool } from './compute-core';
export { TransformEngine, transform, buildFittedModel, fittedModelOf, knnKeeper, transformEpochsFor, type FittedModel, type FittedParts, type TransformCheckpoint, type TransformOptions, type TransformResult, type TransformHooks } from './transform';
