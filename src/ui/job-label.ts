// How a job is named on screen: its file, a short summary of its parameters and its start time, so
// two runs of the same file can be told apart in the jobs list, on the map and in the log.
import { DEFAULT_PARAMS, type UmapParams } from '../jobs/engine-api';

/**
 * `nn 15 · md 0.1 · seed 42`, then whatever differs from the defaults (spread, epochs, metric,
 * components, backend), so the three values people change most are always there.
 */
export function paramSummary(params: Partial<UmapParams>): string {
  const p = { ...DEFAULT_PARAMS, ...params };
  const parts = [`nn ${p.nNeighbors}`, `md ${p.minDist}`];
  if (p.spread !== DEFAULT_PARAMS.spread) parts.push(`spread ${p.spread}`);
  if (p.nEpochs !== null) parts.push(`${p.nEpochs} epochs`);
  if (p.metric !== DEFAULT_PARAMS.metric) parts.push(p.metric);
  if (p.nComponents !== DEFAULT_PARAMS.nComponents) parts.push(`${p.nComponents}-D`);
  parts.push(`seed ${p.seed}`);
  if (p.backend !== DEFAULT_PARAMS.backend) parts.push(p.backend);
  return parts.join(' · ');
}

/** A wall-clock time as HH:MM:SS (24 h): jobs started a few seconds apart still differ. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (v: number) => String(v).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** "started 14:03:12", or "queued 14:03:12" before the job first ran. */
export function startLine(job: { createdAt: number; startedAt: number | null }): string {
  return job.startedAt !== null ? `started ${clockTime(job.startedAt)}` : `queued ${clockTime(job.createdAt)}`;
}
