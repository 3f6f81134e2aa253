// The PCA Worker's protocol (workers/pca.worker.ts): rows in (their shared Memory, read in place, or
// a copy), n × k rows out (in a new shared Memory when the page is isolated, else a transferred
// array) with the share of variance they keep. One request per Worker: the page terminates it to cancel.
import type { PcaProgress } from '../engine/streamed-pca';

export type { PcaProgress };

type PcaInput = { memory: WebAssembly.Memory; n: number; d: number } | { data: Float32Array; n: number; d: number };

export type PcaOutcome =
  | { ok: true; n: number; k: number; data?: Float32Array; memory?: WebAssembly.Memory; varianceKept: number; componentVariance: Float64Array; seconds: number }
  | { ok: false; message: string };

export interface PcaWorkerApi {
  /** Reduce the rows to k dimensions; `onProgress` after each block of rows. */
  reduce(input: PcaInput, k: number, onProgress?: (p: PcaProgress) => void): Promise<PcaOutcome>;
}
