/// <reference lib="webworker" />
// Measures a finished map's quality off the main thread: the exact high-D neighbours of a sample
// take seconds on large data.
import * as Comlink from 'comlink';
import { mapQuality } from '../src/engine/map-quality';
import type { QualityWorkerApi } from '../src/jobs/quality-protocol';
import { messageOf } from '../src/io/error-message';

const api: QualityWorkerApi = {
  async measure(high, n, d, low, nComponents, onProgress) {
    try {
      let last = 0;
      const q = mapQuality({ data: high, n, d }, { data: low, n, d: nComponents }, (done, total) => {
        // A few updates a second are plenty for a progress line.
        const now = performance.now();
        if (onProgress && (now - last > 250 || done === total)) {
          last = now;
          void onProgress(done, total);
        }
      });
      return Comlink.transfer({ ok: true as const, ...q }, [q.sample.buffer]);
    } catch (err) {
      return { ok: false as const, message: messageOf(err) };
    }
  },
};

Comlink.expose(api);
