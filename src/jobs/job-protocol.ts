// The job Worker's protocol (workers/umap.worker.ts, which runs job-run.ts): the start message, the
// callbacks it reports through, the faults it can be sent, and what it answers. runJob (run-job.ts)
// is its client.
import type { EngineCheckpoint } from '../engine/engine';
import type { TransformCheckpoint, TransformResult } from '../engine/transform';
import type { WarmStart } from '../engine/warm-start';
import type { Matrix, ProgressEvent, UmapParams, UmapResult } from '../engine/types';
import type { BackendReport } from '../gpu/backend';
import type { CheckpointMeta } from './checkpoint-store';
import type { JobProgress } from './eta';
import type { Fault, FaultPlan } from './faults';
import type { GraphReuse } from './graph-store';

/**
 * A job's rows: the matrix, and, when the rows live in a shared wasm Memory (an isolated page's
 * ingest), that Memory, which the job's Workers then read in place instead of a copy.
 */
export type JobRows = Matrix & { memory?: WebAssembly.Memory };

/**
 * How the rows reach the Worker: the job's shared wasm Memory (cross-origin isolated pages), a
 * transferred array (copied once there into private wasm memory for the SIMD kernels), or the key of
 * the dataset in the job store (a job resumed after a reload).
 */
export type JobSource = { memory: WebAssembly.Memory; n: number; d: number } | { data: Float32Array; n: number; d: number } | { stored: string; n: number; d: number };

/** Checkpoints in IndexedDB for jobs that must survive a reload. */
export interface PersistOptions {
  jobId: string;
  /** Write the rows (transferred or shared source) to the store, once per content key. */
  storeDataset: boolean;
  /** Continue from the job's newest stored checkpoint that verifies. */
  resumeFromStore: boolean;
}

/** How a job runs: runJob's options, and the start message's (the page-only ones are not sent). */
export interface JobOptions {
  /** Compute Workers for kNN and layout; runJob's default is one per core, 0 computes in the job Worker. */
  threads?: number;
  /** Continue from this state (a paused job). */
  checkpoint?: EngineCheckpoint;
  /** Minimum milliseconds between preview posts (default 200). */
  previewEveryMs?: number;
  persist?: PersistOptions;
  /**
   * Reuse stored kNN and fuzzy graphs of the same rows and store this fit's, referred to by this job
   * id (persisted jobs do with their own id; the bench without checkpoints). Off for a resumed run.
   */
  graphs?: { jobId: string };
  /**
   * Lay out from these coordinates with their own epochs and learning rate instead of the spectral
   * init (a warm re-run, a refit). A checkpoint carries it, so it applies to a fresh run only.
   */
  warm?: WarmStart;
  /** Tests only: faults fixed for this run (see faults.ts). */
  faults?: FaultPlan;
  /**
   * Page only: hand the input's buffer to the Worker instead of copying it (transfer mode), which
   * detaches the caller's array. Shared-memory input is never copied either way.
   */
  transferInput?: boolean;
  /** Page only: read the rows from the job store under this key instead of the input's (resume after a reload). */
  storedDataset?: string;
}

export interface FitStart {
  kind?: 'fit';
  source: JobSource;
  params: Partial<UmapParams>;
  options: JobOptions;
  /**
   * The rows' map is given (a precomputed map, n × params.nComponents): the run computes only the kNN
   * graph, keeps the model a transform needs, and ends with this map as its result.
   */
  map?: Float32Array;
}

/** Place the source's rows into the map of fit job `parent`, whose model is in the job store. */
export interface TransformStart {
  kind: 'transform';
  parent: string;
  source: JobSource;
  /** `checkpoint` does not apply (a fit's); a paused transform gives its own here. */
  options: Omit<JobOptions, 'checkpoint'> & { checkpoint?: TransformCheckpoint };
}

export type JobStart = FitStart | TransformStart;

/**
 * A finished transform: the engine's result (the new points in the fitted map's own coordinates,
 * their nearest fitted rows), which fit it was, and how near the map they were.
 */
export interface TransformJobResult extends TransformResult {
  parent: string;
  /**
   * Mean distance to the nearest fitted neighbour over the batch, and the fitted map's mean kNN
   * distance (over its kNN graph, self entries included: the sigma floor of the fit), for the "far batch" warning.
   */
  meanNearestDistance: number;
  fittedMeanKnnDistance: number;
  /** What ran it (the parent fit's backend preference, chosen again), and why. */
  backend?: BackendReport;
}

/** A finished job: the engine's result and what ran it. */
export interface JobResult extends UmapResult {
  backend?: BackendReport;
}

export type JobOutcome = { status: 'done'; result: JobResult } | { status: 'stopped'; checkpoint: EngineCheckpoint };

export type TransformOutcome = { status: 'done'; result: TransformJobResult } | { status: 'stopped'; checkpoint: TransformCheckpoint };

/**
 * Everything a job reports while it runs. The Worker sends the engine's ProgressEvent; the page turns
 * each into a JobProgress (with elapsed time and ETA) before its own callbacks see it.
 */
export interface JobCallbacks<P extends ProgressEvent = JobProgress> {
  onProgress?(e: P): void;
  onLog?(line: string): void;
  onPreview?(coords: Float32Array, nComponents: number): void;
  /** Persistence only: the dataset is stored under this content key. */
  onDatasetStored?(key: string): void;
  onCheckpoint?(meta: CheckpointMeta): void;
  /** Persistence only: the run continues from this stored checkpoint (null: none, from the start). */
  onResumed?(from: CheckpointMeta | null, fellBack: boolean): void;
  /** A storage write failed; the job goes on in memory. */
  onStorageWarning?(message: string): void;
  /** The fit starts from a stored graph instead of computing it. */
  onReused?(info: GraphReuse): void;
}

export interface JobWorkerApi {
  start(msg: JobStart, cb: JobCallbacks<ProgressEvent>): Promise<JobOutcome | TransformOutcome>;
  /** Stop at the next chunk or epoch boundary; start() then resolves with a checkpoint. */
  stop(): void;
  /** Tests only: a fault now (a crash, or the release of a run held at its `holdAt` boundary). */
  inject(fault: Fault): void;
}
