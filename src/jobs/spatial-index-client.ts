// A large map's spatial index, built in a Worker. Given nothing, regl-scatterplot builds its KDBush on
// the main thread below a million points, and at a million or more posts every point to a Worker of
// its own as an array of arrays: 40–60 ms of main-thread work per draw at 1M (docs/benchmark.md,
// "Main thread during a 1M job"), on every preview of a running layout.
import * as Comlink from 'comlink';
import type { SpatialIndexWorkerApi } from './spatial-index-protocol';
import { workerFailure } from './worker-failure';

/** Below this the renderer's own main-thread build is a few milliseconds: not worth a round trip. */
export const OWN_INDEX_MIN_N = 100_000;

let worker: { remote: Comlink.Remote<SpatialIndexWorkerApi>; failed: Promise<never> } | null = null;

/**
 * The KDBush of the points (x[i], y[i]) as an ArrayBuffer, or null where no Worker could build it
 * (the renderer then builds its own). The arrays are copied to the Worker, never taken.
 */
export async function buildSpatialIndex(x: Float32Array, y: Float32Array): Promise<ArrayBuffer | null> {
  try {
    if (!worker) {
      const w = new Worker(new URL('../../workers/spatial-index.worker.ts', import.meta.url), { type: 'module', name: 'spatial-index' });
      worker = { remote: Comlink.wrap<SpatialIndexWorkerApi>(w), failed: workerFailure(w, 'the map index') };
    }
    return await Promise.race([worker.remote.build(x, y), worker.failed]);
  } catch (err) {
    worker = null;
    console.warn(`mapstream: the map's spatial index is built on the main thread instead (${String(err)})`);
    return null;
  }
}
