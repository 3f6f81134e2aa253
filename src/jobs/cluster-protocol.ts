// The cluster Worker's protocol (workers/cluster.worker.ts): a 2-D layout in, HDBSCAN labels out.
// It has no callbacks: each request is answered once.

/** How a result's cluster ids are chosen (see cluster()). */
export type ClusterIds = 'continue' | 'fresh' | 'canonical';

/** The answer to one request; errors cross as plain data. */
type ClusterOutcome = { ok: true; labels: Int32Array; clusterCount: number; maxId: number; seconds: number } | { ok: false; message: string };

export interface ClusterWorkerApi {
  /**
   * ids: 'continue' matches them to the previous result (same points, a newer layout), 'fresh'
   * numbers them anew, 'canonical' orders them by size then lowest point index, so a finished map's
   * ids depend on its coordinates alone.
   */
  cluster(x: Float32Array, y: Float32Array, minClusterSize: number, ids: ClusterIds): ClusterOutcome;
}
