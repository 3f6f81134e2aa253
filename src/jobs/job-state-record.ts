// A new job's stored record, and the few constants every part of the scheduler agrees on.
import type { UmapParams } from '../engine/types';
import type { WarmStart } from '../engine/warm-start';
import type { JobRows } from './job-protocol';
import type { Categories } from '../io';
import type { FaultPlan } from './faults';
import type { JobRecord, JobState, Priority } from './job-store';
import type { JobSettings } from './settings';

/** Below this many points a fit runs at once (no queue, no compute pool); it is stored like any other. */
export const IMMEDIATE_MAX_N = 1000;

export const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

export interface SubmitOptions {
  name: string;
  priority?: Priority;
  categories?: Categories | null;
  labelName?: string;
  /** false: no dataset or checkpoints in IndexedDB (measuring their cost; the job cannot survive a reload). */
  checkpoints?: boolean;
  /** Start the layout from these coordinates (a warm re-run, a refit); see JobOptions.warm. */
  warm?: WarmStart;
  /** Test hook only: faults for the job's Worker (see faults.ts); the product never sets them. */
  faults?: FaultPlan;
}

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** A new job's record; its parameters take the chunk size and GPU share from the settings unless given. */
export function newRecord(input: JobRows, params: Partial<UmapParams>, opts: SubmitOptions, at: { id: string; order: number; owner: string; settings: JobSettings }): JobRecord {
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
  if (opts.warm) rec.warm = opts.warm;
  return rec;
}
