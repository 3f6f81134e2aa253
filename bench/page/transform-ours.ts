// "Place new points with mapstream" for the bench, as one function: today the engine's transform in a
// bench Worker (transform-run.ts); when the app has a transform job, this is the one place to switch
// to it, keeping the clock where it is (new vectors in the Worker → their coordinates).
import type { Matrix, UmapParams } from '../../src/engine/types';
import type { TransformDone, TransformReply, TransformRequest } from './protocol';

export interface FitForTransform {
  rows: Matrix;
  embedding: Float32Array;
  params: UmapParams;
}

/** The page keeps its copies: everything sent is copied and transferred. */
export function runOurTransform(fit: FitForTransform, queries: Matrix): Promise<TransformDone> {
  const worker = new Worker(new URL('./transform.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<TransformDone>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<TransformReply>) => {
      worker.terminate();
      const msg = ev.data;
      if (msg.type === 'transform-done') resolve(msg);
      else reject(new Error(msg.message));
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new Error(`transform worker error: ${ev.message || 'failed to load'}`));
    };
    const req: TransformRequest = {
      type: 'transform',
      fitData: fit.rows.data.slice(),
      n: fit.rows.n,
      d: fit.rows.d,
      fitEmbedding: fit.embedding.slice(),
      fitParams: fit.params,
      queries: queries.data.slice(),
      m: queries.n,
    };
    worker.postMessage(req, [req.fitData.buffer, req.fitEmbedding.buffer, req.queries.buffer]);
  });
}
