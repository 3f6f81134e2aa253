// The cluster Worker's protocol (workers/cluster.worker.ts): a 2-D layout in, HDBSCAN labels out.
// It has no callbacks: each request is answered once.

/** The answer to one request; errors cross as plain data. */
type ClusterOutcome = { ok: true; labels: Int32Array; clusterCount: number; maxId: number; seconds: number } | { ok: false; message: string };

export interface ClusterWorkerApi {
  /** continueStream: match ids to the previous result (same points, a newer layout). */
  cluster(x: Float32Array, y: Float32Array, minClusterSize: number, continueStream: boolean): ClusterOutcome;
}
