// The bench's transform, run through the engine in the Worker it is called in. The app's job result
// does not carry the fit's kNN graph yet, so the model is rebuilt here first: the kNN phase is
// deterministic for the data and parameters, so this is the graph the fit used. That rebuild is
// reported apart (modelS) and is not part of the transform's time.
import { ComputeCore, LocalPool } from '../../src/engine/compute-core';
import { finishKnn, planKnn, stepKnn } from '../../src/engine/knn-phase';
import { TransformEngine, buildFittedModel, type FittedModel } from '../../src/engine/transform';
import type { TransformDone, TransformRequest } from './protocol';

async function modelOf(req: TransformRequest): Promise<FittedModel> {
  const { fitData: data, n, d, fitParams: p } = req;
  const core = new ComputeCore(data, n, d, p.metric);
  const pool = new LocalPool(core);
  const s = planKnn({ n, nNeighbors: p.nNeighbors, chunkSize: p.knnChunkSize, exactMaxN: p.exactKnnMaxN, seed: p.seed });
  while (!(await stepKnn(s, pool, core, n, p.metric)));
  return buildFittedModel({ data, n, d, params: p, embedding: req.fitEmbedding, knn: finishKnn(s, n, p.nNeighbors) });
}

export async function runTransform(req: TransformRequest): Promise<TransformDone> {
  const t0 = performance.now();
  const model = await modelOf(req);
  const t1 = performance.now();
  const engine = new TransformEngine(model, { data: req.queries, n: req.m, d: req.d });
  await engine.run();
  const r = engine.result();
  const t2 = performance.now();
  return {
    type: 'transform-done',
    embedding: r.embedding,
    fittedAfter: model.embedding,
    transformS: (t2 - t1) / 1000,
    modelS: (t1 - t0) / 1000,
    phases: r.timings,
    epochs: engine.checkpoint().nEpochs,
    log: r.log,
  };
}
