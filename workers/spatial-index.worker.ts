/// <reference lib="webworker" />
// Builds a map's spatial index off the main thread (protocol: src/jobs/spatial-index-protocol.ts).
import * as Comlink from 'comlink';
import KDBush from 'kdbush';
import type { SpatialIndexWorkerApi } from '../src/jobs/spatial-index-protocol';

const api: SpatialIndexWorkerApi = {
  build(x, y) {
    // regl-scatterplot's own build: the same points in the same order, KDBush's default node size,
    // so its hover and lasso answer as if it had built the index itself.
    const kd = new KDBush(x.length);
    for (let i = 0; i < x.length; i++) kd.add(x[i]!, y[i]!);
    kd.finish();
    const data = kd.data as ArrayBuffer; // a fresh ArrayBuffer: KDBush shares memory only when given one
    return Comlink.transfer(data, [data]);
  },
};

Comlink.expose(api);
