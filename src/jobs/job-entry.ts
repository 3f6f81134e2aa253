// What the scheduler keeps per job, and the copy of it that the UI and the test hook see.
import type { EngineCheckpoint } from '../engine/engine';
import type { ProgressEvent, UmapParams, UmapResult } from '../engine/types';
import type { Categories } from '../io';
import type { JobCallbacks, JobHandle, JobRows } from './run-job';
import type { JobRecord, JobState, Priority } from './job-store';
import type { JobSettings } from './settings';
import type { HeldLock } from './tab-lock';

/** Below this many points a job runs at once: no queue, no checkpoints. */
export const IMMEDIATE_MAX_N = 1000;

export const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

/** A job's rows, with their shared Memory when they live in one (see JobRows). */
export type JobInputData = JobRows;

export interface SubmitOptions {
  name: string;
  priority?: Priority;
  categories?: Categories | null;
  labelName?: string;
  /** false: no dataset or checkpoints in IndexedDB (measuring their cost; the job cannot survive a reload). */
  checkpoints?: boolean;
}

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
  n: number;
  d: number;
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

export interface Entry extends JobTracking {
  rec: JobRecord;
  input: JobInputData | null;
  handle: JobHandle | null;
  lock: HeldLock | null;
  checkpoint: EngineCheckpoint | null;
  result: UmapResult | null;
  watchers: Set<JobCallbacks>;
  waiters: { resolve(r: UmapResult): void; reject(e: unknown): void }[];
  /** Seconds of work before the current run started (earlier runs of the job). */
  baseElapsedS: number;
  lastRecordWrite: number;
  gpu: boolean;
  stopping: 'pause' | null;
  noCheckpoints: boolean;
  /** The page is writing this queued job's data to IndexedDB. */
  storing: Promise<void> | null;
  /** Cancel keeps the job and its data (for a retry) instead of deleting them. */
  keepOnCancel: boolean;
}

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A new job's record; its parameters take the chunk size and GPU share from the settings unless given. */
export function newRecord(input: JobInputData, params: Partial<UmapParams>, opts: SubmitOptions, at: { id: string; order: number; owner: string; settings: JobSettings }): JobRecord {
  const rec: JobRecord = {
    id: at.id,
    name: opts.name,
    n: input.n,
    d: input.d,
    params: { ...params, knnChunkSize: params.knnChunkSize ?? at.settings.chunkSize, gpuMemoryFraction: params.gpuMemoryFraction ?? at.settings.gpuMemoryFraction },
    priority: opts.priority ?? 'normal',
    order: at.order,
    state: 'queued',
    createdAt: Date.now(),
    startedAt: null,
    finishedAt: null,
    elapsedS: 0,
    progress: null,
    datasetKey: null,
    categories: opts.categories ?? null,
    error: null,
    owner: at.owner,
  };
  if (opts.labelName !== undefined) rec.labelName = opts.labelName;
  return rec;
}

/** Forget an earlier run's outcome and progress, so a retry starts from scratch. */
export function clearRun(e: Entry): void {
  e.checkpoint = null;
  e.result = null;
  e.rec.error = null;
  e.rec.progress = null;
  e.rec.elapsedS = 0;
  e.baseElapsedS = 0;
  e.resumedFrom = null;
}

export function newEntry(rec: JobRecord, immediate: boolean): Entry {
  return {
    rec,
    immediate,
    input: null,
    handle: null,
    lock: null,
    checkpoint: null,
    result: null,
    watchers: new Set(),
    waiters: [],
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
    lastRecordWrite: 0,
    gpu: false,
    stopping: null,
    interrupted: false,
    noCheckpoints: false,
    storing: null,
    keepOnCancel: false,
  };
}

export function viewOf(e: Entry): JobView {
  const r = e.rec;
  return {
    id: r.id,
    name: r.name,
    n: r.n,
    d: r.d,
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
  };
}
