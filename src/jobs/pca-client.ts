// Runs a PCA reduction of the loaded rows in its own Worker (workers/pca.worker.ts), so the page
// stays responsive and a new file (or Cancel) stops it by terminating the Worker.
import * as Comlink from 'comlink';
import { rowStoreOf } from '../engine/wasm/row-kernels';
import type { PcaOutcome, PcaProgress, PcaWorkerApi } from './pca-protocol';
import { workerFailure } from './worker-failure';

export type { PcaProgress };

/** The reduced rows (a view on their shared Memory when there is one) and what they keep. */
interface PcaReduced {
  data: Float32Array;
  memory?: WebAssembly.Memory;
  n: number;
  k: number;
  varianceKept: number;
  seconds: number;
}

export interface PcaRun {
  result: Promise<PcaReduced>;
  cancel(): void;
}

/** Reduce n × d rows (in `memory` when they sit in shared memory) to n × k. */
export function reduceRows(rows: { data: Float32Array; n: number; d: number; memory?: WebAssembly.Memory }, k: number, onProgress?: (p: PcaProgress) => void): PcaRun {
  const worker = new Worker(new URL('../../workers/pca.worker.ts', import.meta.url), { type: 'module', name: 'pca' });
  const remote = Comlink.wrap<PcaWorkerApi>(worker);
  let stop: (err: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => {});
  const { n, d } = rows;
  const shared = rows.memory && typeof SharedArrayBuffer !== 'undefined' && rows.memory.buffer instanceof SharedArrayBuffer;
  const input = shared ? { memory: rows.memory!, n, d } : { data: rows.data, n, d };
  const result = (async () => {
    try {
      const out: PcaOutcome = await Promise.race([remote.reduce(input, k, onProgress ? Comlink.proxy(onProgress) : undefined), workerFailure(worker, 'the PCA'), stopped]);
      if (!out.ok) throw new Error(`The PCA failed: ${out.message}`);
      const data = out.memory ? rowStoreOf(out.memory, n, k).data : out.data!;
      return { data, ...(out.memory ? { memory: out.memory } : {}), n, k, varianceKept: out.varianceKept, seconds: out.seconds };
    } finally {
      worker.terminate();
    }
  })();
  return {
    result,
    cancel() {
      worker.terminate();
      stop(new Error('The PCA was cancelled.'));
    },
  };
}
