// mapstream through exactly the app's job path: runJob() starts the job Worker (which owns its kNN
// compute pool), so "a dedicated Worker" here is the app's own.
import { runJob } from '../jobs/run-job';
import type { BenchParams, RunDone } from './protocol';
import type { DenseMatrix } from './npy';

export const OUR_BACKENDS = ['cpu'] as const;

export async function runOurs(m: DenseMatrix, params: BenchParams, backend: string): Promise<RunDone> {
  if (!(OUR_BACKENDS as readonly string[]).includes(backend)) throw new Error(`backend ${backend} is not available (have: ${OUR_BACKENDS.join(', ')})`);
  const notes: string[] = [];
  const job = runJob(
    // A copy, so the page keeps its own vectors whichever way runJob hands them to the Worker.
    { data: m.data.slice(), n: m.n, d: m.d },
    { nNeighbors: params.nNeighbors, minDist: params.minDist, nEpochs: params.nEpochs, metric: params.metric, seed: params.seed },
    { onLog: (line) => notes.push(line) },
  );
  const result = await job.result;
  const t = result.timings;
  return {
    type: 'done',
    embedding: result.embedding,
    // The engine's own phase clocks start with the vectors in the job Worker's memory (and its compute
    // pool up), which is where the peers' clocks start too.
    wallS: t.knn + t.graph + t.init + t.layout,
    phases: { knn: t.knn, graph: t.graph, init: t.init, optimise: t.layout },
    epochs: result.params.nEpochs ?? params.nEpochs,
    notes,
  };
}
