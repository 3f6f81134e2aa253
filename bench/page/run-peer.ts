import type { BenchParams, RunDone, RunRequest, WorkerReply } from './protocol';
import type { Matrix } from '../../src/engine/types';

/**
 * Run one peer in a fresh dedicated Worker. The vectors are copied here and transferred, so the
 * page keeps its own copy for the next implementation; the Worker starts its clock only once the
 * input is in its memory.
 */
export function runPeer(worker: Worker, m: Matrix, params: BenchParams): Promise<RunDone> {
  return new Promise<RunDone>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const msg = ev.data;
      if (msg.type === 'ready') return;
      worker.terminate();
      if (msg.type === 'done') resolve(msg);
      else reject(new Error(msg.message));
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new Error(`worker error: ${ev.message || 'failed to load'}`));
    };
    const data = m.data.slice();
    const req: RunRequest = { type: 'run', data, n: m.n, d: m.d, params };
    worker.postMessage(req, [data.buffer]);
  });
}
