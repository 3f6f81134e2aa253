// The quality Worker's protocol (workers/quality.worker.ts): a finished map and the vectors it was
// made from in, trustworthiness@15 and kNN recall@15 on a sample out (src/engine/map-quality.ts).
// One request per Worker: the page terminates it to cancel.

export type QualityOutcome = { ok: true; trustworthiness: number; knnRecall: number; k: number; sample: Int32Array; n: number; seconds: number } | { ok: false; message: string };

export interface QualityWorkerApi {
  /** `high`: n × d rows; `low`: the map, n × nComponents. `onProgress(done, total)` between chunks of the search. */
  measure(high: Float32Array, n: number, d: number, low: Float32Array, nComponents: number, onProgress?: (done: number, total: number) => void): Promise<QualityOutcome>;
}
