/// <reference lib="webworker" />
// Reduces the loaded rows to k dimensions off the main thread (src/engine/streamed-pca.ts): on a
// large dataset each pass over the rows takes seconds.
import * as Comlink from 'comlink';
import { streamedPca } from '../src/engine/streamed-pca';
import { allocateRowStore, rowStoreOf, wasmSimdSupported } from '../src/engine/wasm/row-kernels';
import { messageOf } from '../src/io/error-message';
import type { PcaWorkerApi } from '../src/jobs/pca-protocol';

const api: PcaWorkerApi = {
  async reduce(input, k, onProgress) {
    try {
      const t0 = performance.now();
      const { n, d } = input;
      const rows = 'memory' in input ? rowStoreOf(input.memory, n, d).data : input.data;
      // The reduced rows go where the job reads them in place when the page is isolated, as ingest's do.
      const shared = self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined' && wasmSimdSupported();
      const store = shared ? allocateRowStore(n, k, true) : null;
      const out = store ? store.data : new Float32Array(n * k);
      const run = streamedPca(rows, n, d, k, out, { blockRows: Math.max(256, Math.floor(2 ** 20 / d)) });
      let last = 0;
      for (;;) {
        const step = run.next();
        if (step.done) {
          const s = step.value;
          const seconds = (performance.now() - t0) / 1000;
          const base = { ok: true as const, n, k, varianceKept: s.varianceKept, componentVariance: s.componentVariance, seconds };
          if (store) return { ...base, memory: store.memory! };
          return Comlink.transfer({ ...base, data: out }, [out.buffer as ArrayBuffer]);
        }
        // A few updates a second are plenty for a progress bar.
        const now = performance.now();
        if (onProgress && now - last > 200) {
          last = now;
          void onProgress(step.value);
        }
      }
    } catch (err) {
      return { ok: false as const, message: messageOf(err) };
    }
  },
};

Comlink.expose(api);
