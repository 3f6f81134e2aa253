// The spatial-index Worker's protocol (workers/spatial-index.worker.ts): a map's x and y in, the
// KDBush over them out as its ArrayBuffer, which regl-scatterplot takes as its own index.

export interface SpatialIndexWorkerApi {
  build(x: Float32Array, y: Float32Array): ArrayBuffer;
}
