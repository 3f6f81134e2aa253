// mapstream through exactly the app's job path: runJob() starts the job Worker (which owns its kNN
// compute pool), so "a dedicated Worker" here is the app's own.
import { runJob, type JobRows } from '../../src/jobs/run-job';
import type { BenchParams, RunDone } from './protocol';
import type { UmapParams } from '../../src/engine/types';

export const OUR_BACKENDS = ['auto', 'cpu', 'webgpu'] as const;
type OurBackend = (typeof OUR_BACKENDS)[number];

const isBackend = (b: string): b is OurBackend => (OUR_BACKENDS as readonly string[]).includes(b);

export interface OursDone extends RunDone {
  /** What actually ran: the job falls back to CPU when WebGPU is missing or only software. */
  backendUsed: string;
  backendReason: string | null;
  /** The parameters the fit resolved to: a transform into this map needs them. */
  fitParams: UmapParams;
}

export async function runOurs(m: JobRows, params: BenchParams, backend: string): Promise<OursDone> {
  if (!isBackend(backend)) throw new Error(`backend ${backend} is not available (have: ${OUR_BACKENDS.join(', ')})`);
  const notes: string[] = [];
  const job = runJob(
    // runJob copies (into shared memory, or for transfer) unless the rows are in shared memory already
    // or it is told to give the buffer away, so the page's vectors stay intact without an extra copy
    // of ours that would inflate peak memory.
    m,
    { nNeighbors: params.nNeighbors, minDist: params.minDist, nEpochs: params.nEpochs, metric: params.metric, seed: params.seed, backend },
    { onLog: (line) => notes.push(line) },
    params.threads ? { threads: params.threads } : {},
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
    backendUsed: result.backend?.fellBackToCpu ? 'cpu' : (result.backend?.backend ?? backend),
    fitParams: result.params,
    backendReason: result.backend ? [result.backend.reason, result.backend.fellBackToCpu].filter(Boolean).join('; ') : null,
  };
}
