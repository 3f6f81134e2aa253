// Node-side helpers for scripts/bench.mjs, bundled on the fly with Vite's SSR build so the script can
// reuse the app's TypeScript (parameters, the .npy reader, quality metrics, synthetic data) from a fresh clone.
export { resolveParams, epochsFor } from '../../src/engine/params';
export { QUALITY_VERSION, makeReference, reviveReference, serialiseReference, scoreEmbedding } from './reference';
export { gaussianMixture } from '../../src/engine/synthetic';
export { ingestFilesToNpy } from './ingest-file';
export { readNpyMatrix, readNpyLabelCodes, readNpyLabelValues, labelCodes } from './npy-file';
export { newPointQuality, newPointSample } from '../transform-quality';
export { encodeNpy } from '../npy-writer';
