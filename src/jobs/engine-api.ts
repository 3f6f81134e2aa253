// What the UI may use of the engine and the clusterer. The UI imports neither directly, so their
// insides can change without touching a view.
export { DEFAULT_PARAMS, autoEpochs, epochsFor, resolveParams } from '../engine/params';
export { warmStartOf, type WarmStart } from '../engine/warm-start';
export { PHASES, type Metric, type PhaseName, type UmapParams, type UmapResult } from '../engine/types';
export { defaultMinClusterSize, defaultMinSamples } from '../cluster/hdbscan';
export { approximatePredict, predictModel, type PredictModel } from '../cluster/approximate-predict';
