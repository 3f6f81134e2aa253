// Which queued job runs next, and how much of the machine each running job gets.
import type { UmapParams } from '../engine/types';
import type { JobRecord, JobState, Priority } from './job-store';

/** What the queue looks at of a job. */
export interface Queueable {
  readonly rec: { readonly state: JobState; readonly priority: Priority; readonly order: number };
  readonly elsewhere: boolean;
  readonly immediate: boolean;
}

const PRIORITY_RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

/** Jobs this tab may start, in the order they should start: priority first, then their place in line. */
export function queuedInOrder<T extends Queueable>(entries: Iterable<T>): T[] {
  return [...entries]
    .filter((e) => e.rec.state === 'queued' && !e.elsewhere && !e.immediate)
    .sort((a, b) => PRIORITY_RANK[a.rec.priority] - PRIORITY_RANK[b.rec.priority] || a.rec.order - b.rec.order);
}

/**
 * Whether a job will hold the GPU. 'auto' is learned from the backend earlier auto jobs got: asking
 * for an adapter here would cost the main thread a long task, and the job Worker's GPU lock keeps
 * GPU work one job at a time in any case.
 */
function needsGpu(p: Partial<UmapParams>, autoUsesGpu: boolean): Promise<boolean> {
  const pref = p.backend ?? 'auto';
  if (pref === 'cpu') return Promise.resolve(false);
  if (pref === 'webgpu') return Promise.resolve(true);
  return Promise.resolve(autoUsesGpu);
}

/** Threads per job, so that all running jobs together use about one thread per core. */
export function threadsPerJob(maxConcurrentJobs: number): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.floor(cores / maxConcurrentJobs));
}

/**
 * The first of `queued` (in starting order) that may start now: one GPU job at a time, while CPU jobs
 * behind a waiting GPU job still go ahead. A transform computes on the CPU pool.
 */
export async function nextToStart(queued: readonly { rec: JobRecord }[], gpuBusy: boolean, autoUsesGpu: boolean): Promise<{ id: string; gpu: boolean } | null> {
  for (const f of queued) {
    const gpu = f.rec.kind === 'transform' ? false : await needsGpu(f.rec.params, autoUsesGpu);
    if (gpu && gpuBusy) continue;
    return { id: f.rec.id, gpu };
  }
  return null;
}
