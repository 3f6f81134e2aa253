// The shape of one job as the state owner keeps it (JobSlot), and the copies it hands out: JobView
// for the UI and the test hook, JobFacts for the scheduler's own modules.
import type { EngineCheckpoint } from '../engine/engine';
import type { ProgressEvent, UmapResult } from '../engine/types';
import type { TransformCheckpoint } from '../engine/transform';
import type { JobRows, TransformJobResult } from './job-protocol';
import type { UmapParams } from '../engine/types';
import type { JobRecord, JobState, Priority } from './job-store';

/** This tab's knowledge of a job beyond its stored record; the view shows it as is. */
interface JobTracking {
  /** Runs in this tab now. */
  local: boolean;
  /** Owned by another open tab (running or queued there). */
  elsewhere: boolean;
  /** Immediate path: not queued, not persisted. */
  immediate: boolean;
  etaS: number | null;
  /** Progress events this tab received for the job. */
  events: number;
  /** Order in which this tab started jobs (1, 2, …); null before it started here. */
  startSeq: number | null;
  /** Progress of the stored checkpoint the last run resumed from; null if it started from scratch. */
  resumedFrom: ProgressEvent | null;
  lastCheckpoint: ProgressEvent | null;
  checkpoints: number;
  storageWarning: string | null;
  /** Found unfinished after a reload (or taken over from a closed tab). */
  interrupted: boolean;
}

/** What the UI and the test hook see of a job. */
export interface JobView extends JobTracking {
  id: string;
  name: string;
  /** Only on a transform job (a batch placed into fit `parent`'s map); a fit's view has neither. */
  kind?: 'transform';
  parent?: string;
  /** Only on a model job: a fit of a given (precomputed) map that ran only its kNN phase, to keep a model. */
  knnOnly?: true;
  n: number;
  d: number;
  /** The parameters as submitted (the engine's defaults fill the rest), for the job's name on screen. */
  params: Partial<UmapParams>;
  /** When it was submitted and when it first started (ms since the epoch; null: not yet). */
  createdAt: number;
  startedAt: number | null;
  state: JobState;
  priority: Priority;
  order: number;
  progress: ProgressEvent | null;
  elapsedS: number;
  error: string | null;
  hasResult: boolean;
  /** Its data is in IndexedDB, so it survives a reload (queued jobs too). */
  stored: boolean;
}

/** Everything the state owner keeps per job. Only job-state.ts writes it. */
export interface JobSlot extends JobTracking {
  rec: JobRecord;
  /** The rows, while this tab holds them in memory (a stored job's may be read back instead). */
  input: JobRows | null;
  /** Where the last run stopped, in memory (a pause); a run resumes from it before the store. */
  checkpoint: EngineCheckpoint | TransformCheckpoint | null;
  result: UmapResult | null;
  /** A completed transform's result (its `result` stays null). */
  transformResult: TransformJobResult | null;
  /** Seconds of work before the current run started (earlier runs of the job). */
  baseElapsedS: number;
  /** The current run holds the GPU (one GPU job at a time). */
  gpu: boolean;
  noCheckpoints: boolean;
  /** The run a pause stopped (its startSeq), whose late reports still count; null otherwise. */
  stoppedRun: number | null;
}

/** A read-only look at a job's slot, for the modules that request its transitions. */
export type JobFacts = Readonly<Omit<JobSlot, 'rec' | 'input' | 'checkpoint' | 'result' | 'transformResult'>> & {
  readonly rec: Readonly<JobRecord>;
  readonly input: JobRows | null;
  readonly checkpoint: EngineCheckpoint | TransformCheckpoint | null;
  readonly result: UmapResult | null;
  readonly transformResult: TransformJobResult | null;
};

export function newSlot(rec: JobRecord, immediate: boolean): JobSlot {
  return {
    rec,
    immediate,
    input: null,
    checkpoint: null,
    result: null,
    transformResult: null,
    local: false,
    elsewhere: false,
    etaS: null,
    events: 0,
    startSeq: null,
    resumedFrom: null,
    lastCheckpoint: null,
    checkpoints: 0,
    storageWarning: null,
    baseElapsedS: rec.elapsedS,
    gpu: false,
    interrupted: false,
    noCheckpoints: false,
    stoppedRun: null,
  };
}

export function viewOf(e: JobSlot): JobView {
  const r = e.rec;
  return {
    id: r.id,
    name: r.name,
    n: r.n,
    d: r.d,
    params: { ...r.params },
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    state: r.state,
    priority: r.priority,
    order: r.order,
    progress: r.progress ? { ...r.progress } : null,
    elapsedS: r.elapsedS,
    etaS: e.etaS,
    error: r.error,
    local: e.local,
    elsewhere: e.elsewhere,
    immediate: e.immediate,
    events: e.events,
    startSeq: e.startSeq,
    resumedFrom: e.resumedFrom,
    lastCheckpoint: e.lastCheckpoint,
    checkpoints: e.checkpoints,
    storageWarning: e.storageWarning,
    hasResult: r.state === 'completed',
    stored: r.datasetKey !== null,
    interrupted: e.interrupted,
    ...(r.kind === 'transform' && r.parent ? { kind: 'transform' as const, parent: r.parent } : {}),
    ...(r.knnOnly ? { knnOnly: true as const } : {}),
  };
}
