// mapstream through exactly the app's job path: runJob() starts the job Worker (which owns its kNN
// compute pool), so "a dedicated Worker" here is the app's own.
import { epochsFor, resolveParams, warmStartOf } from '../../src/jobs/engine-api';
import { runJob, type JobRows } from '../../src/jobs/run-job';
import { putResult } from '../../src/jobs/job-store';
import type { BenchParams, RunDone } from './protocol';
import { ProgressGaps, type ProgressGap } from './progress-gaps';

export const OUR_BACKENDS = ['auto', 'cpu', 'webgpu'] as const;
type OurBackend = (typeof OUR_BACKENDS)[number];

const isBackend = (b: string): b is OurBackend => (OUR_BACKENDS as readonly string[]).includes(b);

export interface OursDone extends RunDone {
  /** What actually ran: the job falls back to CPU when WebGPU is missing or only software. */
  backendUsed: string;
  backendReason: string | null;
  /** The longest time between two progress events the page received (progress-gaps.ts). */
  progressGap: ProgressGap;
}

/** A re-run of the same rows with a few layout parameters changed (--relayout), after the full run. */
export interface Relayout {
  minDist?: number;
  spread?: number;
  seed?: number;
  nEpochs?: number;
  /** 1: start the layout from the full run's map with the app's warm start ("Start from the current map"). */
  warm?: number;
}

export interface RelayoutDone {
  change: Relayout;
  embedding: Float32Array;
  /** Engine phases plus reading the stored graph: from the vectors in the Worker to the embedding. */
  wallS: number;
  loadS: number;
  phases: RunDone['phases'];
  epochs: number;
  /** What the job took from the graph store: 'fuzzy', 'knn' or null (nothing: it ran in full). */
  reused: 'fuzzy' | 'knn' | null;
  notes: string[];
}

/**
 * With `keep`, the run is persisted as the app's scheduler persists a job: its rows stored, checkpoints
 * written, the fitted model kept under `jobId`, and its result saved as the job table saves it (res:<id>),
 * so a transform job can place points into it. Without, only its graphs are kept for --relayout.
 */
export async function runOurs(
  m: JobRows,
  params: BenchParams,
  backend: string,
  jobId?: string,
  change?: Relayout,
  keep = false,
  current?: Float32Array,
): Promise<OursDone & { loadS: number; reused: 'fuzzy' | 'knn' | null }> {
  if (!isBackend(backend)) throw new Error(`backend ${backend} is not available (have: ${OUR_BACKENDS.join(', ')})`);
  const notes: string[] = [];
  const gaps = new ProgressGaps();
  let reused: { what: 'fuzzy' | 'knn'; loadS: number } | null = null;
  const { warm, ...changed } = change ?? {};
  const jobParams = { nNeighbors: params.nNeighbors, minDist: params.minDist, nEpochs: params.nEpochs, metric: params.metric, seed: params.seed, backend, ...changed };
  const warmStart = warm && current ? warmStartOf(current.slice(), epochsFor(resolveParams(jobParams, m.n), m.n)) : undefined;
  const job = runJob(
    // runJob copies (into shared memory, or for transfer) unless the rows are in shared memory already
    // or it is told to give the buffer away, so the page's vectors stay intact without an extra copy
    // of ours that would inflate peak memory.
    m,
    jobParams,
    {
      onLog: (line) => notes.push(line),
      onProgress: (e) => gaps.push(e),
      onReused: (r) => {
        reused = r;
      },
    },
    // With a job id the run stores its graphs for reuse (and reuses stored ones), as an app job does;
    // a persisted one does so under its own id.
    {
      ...(params.threads ? { threads: params.threads } : {}),
      ...(jobId && keep ? { persist: { jobId, storeDataset: true, resumeFromStore: false } } : jobId ? { graphs: { jobId } } : {}),
      ...(warmStart ? { warm: warmStart } : {}),
    },
  );
  const result = await job.result;
  if (keep && jobId) await putResult(jobId, { embedding: result.embedding, nComponents: result.nComponents, n: result.n, params: result.params, timings: result.timings, log: result.log });
  const t = result.timings;
  // The lookup (content key, reading the graph) replaces the skipped phases, so it counts as the run's.
  const done = reused as { what: 'fuzzy' | 'knn'; loadS: number } | null;
  const loadS = done?.loadS ?? 0;
  return {
    type: 'done',
    embedding: result.embedding,
    // The engine's own phase clocks start with the vectors in the job Worker's memory (and its compute
    // pool up), which is where the peers' clocks start too.
    wallS: t.knn + t.graph + t.init + t.layout + loadS,
    loadS,
    reused: done?.what ?? null,
    phases: { knn: t.knn, graph: t.graph, init: t.init, optimise: t.layout },
    epochs: result.warmStart?.nEpochs ?? result.params.nEpochs ?? params.nEpochs,
    notes,
    backendUsed: result.backend?.fellBackToCpu ? 'cpu' : (result.backend?.backend ?? backend),
    backendReason: result.backend ? [result.backend.reason, result.backend.fellBackToCpu].filter(Boolean).join('; ') : null,
    progressGap: gaps.result(),
  };
}

/**
 * The full run, then each re-run in the same page (so the same graph store), reusing the full run's
 * graphs. With `keep` (--transform) every run is persisted, so the re-runs are timed as the full run
 * is, and the full run's model is kept under `fitJobId` (null without `keep`).
 */
export async function runOursWithRelayouts(
  m: JobRows,
  params: BenchParams,
  backend: string,
  relayouts: Relayout[],
  keep = false,
): Promise<{ full: OursDone; fullPageS: number; relayouts: RelayoutDone[]; fitJobId: string | null }> {
  const tag = `bench-${Date.now().toString(36)}`;
  const fullId = relayouts.length > 0 || keep ? `${tag}-full` : undefined;
  const t0 = performance.now();
  const full = await runOurs(m, params, backend, fullId, undefined, keep);
  const fullPageS = (performance.now() - t0) / 1000;
  const out: RelayoutDone[] = [];
  for (let i = 0; i < relayouts.length; i++) {
    const change = relayouts[i]!;
    const r = await runOurs(m, params, backend, `${tag}-relayout-${i}`, change, keep, full.embedding);
    out.push({ change, embedding: r.embedding, wallS: r.wallS, loadS: r.loadS, phases: r.phases, epochs: r.epochs, reused: r.reused, notes: r.notes });
  }
  return { full, fullPageS, relayouts: out, fitJobId: keep && fullId ? fullId : null };
}
