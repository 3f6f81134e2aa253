// "Place new points with mapstream" for the bench, exactly as the app does it: a transform job
// (runTransformJob: the job Worker reads the fit's kept model from IndexedDB and runs the transform
// over its compute Workers) into a fit the bench ran as a persisted job (impl-ours.ts, `keep`).
import type { PhaseTimings } from '../../src/engine/types';
import { getResult } from '../../src/jobs/job-store';
import { runTransformJob, type JobRows } from '../../src/jobs/run-job';

export interface FitForTransform {
  /** The persisted fit's job id: its model (model:<id>) and map (res:<id>) are in IndexedDB. */
  jobId: string;
  /** The map as the fit job returned it, before any transform. */
  embedding: Float32Array;
}

export interface OurTransform {
  embedding: Float32Array;
  /** The fitted map read back from the store (res:<id>, what the transform job reads) after the transform. */
  fittedAfter: Float32Array;
  /**
   * The transform engine's phase clocks summed: each step's own time, from the first kNN chunk (the
   * new vectors in the job Worker, the fitted model loaded and the compute Workers up) to the last
   * layout epoch. The same clock as the fit's wall_s.
   */
  transformS: number;
  /** Around the whole job on the page: Worker start, rows in, model read, pool start, engine, checkpoints, result back. */
  jobS: number;
  phases: PhaseTimings;
  /** From the job's log ("Transform layout: N epochs…"); null if the line is missing. */
  epochs: number | null;
  log: string[];
}

export async function runOurTransform(fit: FitForTransform, queries: JobRows, threads?: number): Promise<OurTransform> {
  const t0 = performance.now();
  // Persisted like an app transform job (rows stored, checkpoints at its boundaries), whose cost is the app's.
  const job = runTransformJob(fit.jobId, queries, {}, { ...(threads ? { threads } : {}), persist: { jobId: `${fit.jobId}-transform`, storeDataset: true, resumeFromStore: false } });
  const r = await job.result;
  const jobS = (performance.now() - t0) / 1000;
  const stored = await getResult(fit.jobId);
  if (!stored) throw new Error(`The fit ${fit.jobId} has no stored map after the transform.`);
  const t = r.timings;
  const epochs = r.log.map((l) => /^Transform layout: (\d+) epochs/.exec(l)).find((x) => x);
  return {
    embedding: r.embedding,
    fittedAfter: stored.embedding,
    transformS: t.knn + t.graph + t.init + t.layout,
    jobS,
    phases: t,
    epochs: epochs ? Number(epochs[1]) : null,
    log: r.log,
  };
}
