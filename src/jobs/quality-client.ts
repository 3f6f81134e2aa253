// Runs the quality measure of a finished map in its own Worker, so a new map (or leaving the map)
// cancels it by terminating the Worker, whatever it was in the middle of.
import * as Comlink from 'comlink';
import type { QualityOutcome, QualityWorkerApi } from './quality-protocol';
import { workerFailure } from './worker-failure';

export type MapQualityResult = Extract<QualityOutcome, { ok: true }>;

export interface QualityRun {
  result: Promise<MapQualityResult>;
  cancel(): void;
}

/**
 * Trustworthiness@15 and kNN recall@15 of the map `low` (n × nComponents) against `high` (n × d).
 * The rows are copied to the Worker unless they sit in shared memory; the map always is (it is small).
 */
export function measureQuality(high: Float32Array, n: number, d: number, low: Float32Array, nComponents: number, onProgress?: (done: number, total: number) => void): QualityRun {
  const worker = new Worker(new URL('../../workers/quality.worker.ts', import.meta.url), { type: 'module', name: 'quality' });
  const remote = Comlink.wrap<QualityWorkerApi>(worker);
  let cancelled = false;
  let stop: (err: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => {});
  const result = (async () => {
    try {
      const out = await Promise.race([
        remote.measure(high, n, d, low.slice(), nComponents, onProgress ? Comlink.proxy(onProgress) : undefined),
        workerFailure(worker, 'the quality measure'),
        stopped,
      ]);
      if (!out.ok) throw new Error(`The quality measure failed: ${out.message}`);
      return out;
    } finally {
      worker.terminate();
    }
  })();
  return {
    result,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      worker.terminate();
      stop(new Error('The quality measure was cancelled.'));
    },
  };
}
