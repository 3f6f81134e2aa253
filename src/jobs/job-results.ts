// A finished job's result as the page reads it: from the state owner's memory while this tab holds
// it, else from the store (after a reload, or a job another tab ran).
import type { JobResult, TransformJobResult } from './job-protocol';
import type { JobFacts } from './job-state-view';
import { getResult, getTransformResult, type JobRecord, type StoredResult } from './job-store';

export type JobResultView = Omit<StoredResult, 'params'> & { rec: JobRecord };

export async function resultOf(f: JobFacts | null): Promise<JobResultView | null> {
  if (!f) return null;
  const rec = { ...f.rec };
  if (f.result) {
    const backend = (f.result as JobResult).backend?.backend;
    return { embedding: f.result.embedding, nComponents: f.result.nComponents, n: f.result.n, rec, timings: f.result.timings, log: f.result.log, ...(backend ? { backend } : {}) };
  }
  const stored = await getResult(f.rec.id).catch(() => undefined);
  return stored ? { ...stored, rec } : null;
}

export async function transformResultOf(f: JobFacts | null): Promise<TransformJobResult | null> {
  if (f?.rec.kind !== 'transform' || f.rec.state !== 'completed') return null;
  if (f.transformResult) return f.transformResult;
  return (await getTransformResult(f.rec.id).catch(() => undefined)) ?? null;
}
