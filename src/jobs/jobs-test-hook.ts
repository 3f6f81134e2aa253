// Test hook for jobs: window.__mapstreamJobs, a view of the scheduler for end-to-end tests (and the
// curious user in devtools). Documented in README.md ("Test hook"); keep the shape stable.
import type { UmapParams } from '../engine/types';
import type { BackendReport } from '../gpu/backend';
import type { Boundary, FaultPlan } from './faults';
import type { GraphReuse } from './graph-store';
import type { Priority } from './job-store';
import { armStorageFault, type StorageFaultPlan } from './storage-faults';
import { jobWorkersAlive } from './run-job';
import type { JobView, Scheduler } from './scheduler';

interface MapstreamJobsHook {
  /** Id of this tab (owner of the jobs it runs). */
  readonly tabId: string;
  /** Resolves once stored jobs from earlier page loads and other tabs are loaded. */
  ready(): Promise<void>;
  /** Every job this tab knows, newest first. */
  list(): JobView[];
  get(id: string): JobView | null;
  /**
   * Submit a job as the Run button does, with a priority (the button always uses normal). With
   * holdAt, its first run waits at that boundary (after reporting exactly that progress) until release(id).
   */
  submit(
    values: number[],
    n: number,
    d: number,
    params: Partial<UmapParams>,
    opts?: { name?: string; priority?: Priority; checkpoints?: boolean; holdAt?: Boundary; storageFault?: StorageFaultPlan; valueParts?: FaultPlan['valueParts'] },
  ): string;
  /**
   * This page's IndexedDB writes (job records, results, queued jobs' data, the map library) fail as
   * `plan` says: a matching put aborts its transaction with that DOMException (count default 1).
   */
  failStorageWrites(plan: StorageFaultPlan): void;
  /** Job Workers this page started and has not terminated (Chromium's own list may lag behind it). */
  jobWorkersAlive(): number;
  /** A completed job's coordinates (row-major n × nComponents) as a plain array, or null. */
  coords(id: string): Promise<number[] | null>;
  /** A completed job's log (includes the checkpoint count and their engine time). */
  log(id: string): Promise<string[] | null>;
  /** The stored graph the job's fit started from (what, fromJob, fromName, seed, loadS), or null. */
  reused(id: string): GraphReuse | null;
  /** A completed job's phase timings in seconds (engine time, without Worker start-up or storage). */
  timings(id: string): Promise<Record<string, number> | null>;
  pause(id: string): Promise<void>;
  resume(id: string): void;
  /** Cancel and delete the job with its stored data; with keep, it stays as cancelled for a retry. */
  cancel(id: string, opts?: { keep?: boolean }): void;
  retry(id: string): void;
  /** Make the job's Worker throw an uncaught error, as a crash would; false if it is not running here. */
  crash(id: string): boolean;
  /** Let a run held at its holdAt boundary go on; false if the job is not running here. */
  release(id: string): boolean;
  /** Delete a job and its stored data. */
  remove(id: string): Promise<void>;
  /**
   * Queue a transform of `values` (m × d) into completed fit `parentId`'s map; with holdAt its first
   * run waits there until release(id); gpuFaults lose its GPU device after so many kNN chunks or
   * epochs. Throws the user's message for a batch that cannot be added.
   */
  submitTransform(
    parentId: string,
    values: number[],
    m: number,
    d: number,
    opts?: { name?: string; holdAt?: Boundary; gpuFaults?: Pick<FaultPlan, 'loseDeviceAfterChunks' | 'loseDeviceAfterEpochs'> },
  ): string;
  /** The next transform submitted, by the UI's "Add points" too, holds at this boundary until release(id). */
  holdNextTransform(at: Boundary): void;
  /** The next fit submitted, by the UI's Run too, holds at this boundary until release(id). */
  holdNextRun(at: Boundary): void;
  /**
   * Queue a model job as "Prepare for adding points" does: rows `values` (n × d) whose map is `coords`
   * (n × nComponents); with holdAt its first run waits there until release(id).
   */
  submitModel(values: number[], n: number, d: number, coords: number[], nComponents: number, params: Partial<UmapParams>, opts?: { name?: string; holdAt?: Boundary }): string;
  /** A completed transform's result as plain arrays (from memory or the store), or null. */
  transformResult(id: string): Promise<{
    parent: string;
    coords: number[];
    m: number;
    nComponents: number;
    indices: number[];
    k: number;
    meanNearestDistance: number;
    fittedMeanKnnDistance: number;
    /** Seconds per phase (engine time). */
    timings: Record<string, number>;
    log: string[];
    /** What ran it and why (GPU bytes left at the end, a fallback to the CPU). */
    backend: BackendReport | null;
  } | null>;
}

declare global {
  interface Window {
    __mapstreamJobs?: MapstreamJobsHook;
  }
}

/** A plain copy (the test's objects come from another realm's JSON), without absent fields. */
function faultsOf(holdAt: Boundary | undefined, storageFault: StorageFaultPlan | undefined, valueParts: FaultPlan['valueParts']): FaultPlan {
  return {
    ...(holdAt ? { holdAt: { phase: holdAt.phase, done: holdAt.done } } : {}),
    ...(storageFault ? { storageFault: { ...storageFault } } : {}),
    ...(valueParts ? { valueParts: { from: valueParts.from, part: valueParts.part } } : {}),
  };
}

export function installJobsTestHook(s: Scheduler): void {
  window.__mapstreamJobs = {
    get tabId() {
      return s.tabId;
    },
    ready: () => s.ready,
    list: () => s.list(),
    get: (id) => s.get(id),
    submit: (values, n, d, params, opts = {}) =>
      s.submit({ data: Float32Array.from(values), n, d }, params, {
        name: opts.name ?? `test job (${n} × ${d})`,
        priority: opts.priority ?? 'normal',
        ...(opts.checkpoints === false ? { checkpoints: false } : {}),
        ...(opts.holdAt || opts.storageFault || opts.valueParts ? { faults: faultsOf(opts.holdAt, opts.storageFault, opts.valueParts) } : {}),
      }),
    failStorageWrites: (plan) => armStorageFault({ ...plan, count: plan.count ?? 1 }),
    jobWorkersAlive: () => jobWorkersAlive(),
    coords: async (id) => {
      const r = await s.result(id);
      return r ? Array.from(r.embedding) : null;
    },
    log: async (id) => (await s.result(id))?.log ?? null,
    reused: (id) => s.reused(id),
    timings: async (id) => {
      const t = (await s.result(id))?.timings;
      return t ? { ...t } : null;
    },
    pause: (id) => s.pause(id),
    resume: (id) => s.resume(id),
    cancel: (id, opts) => s.cancel(id, opts?.keep === true),
    retry: (id) => s.retry(id),
    crash: (id) => s.inject(id, { kind: 'crash' }),
    release: (id) => s.inject(id, { kind: 'release' }),
    remove: (id) => s.remove(id),
    submitTransform: (parentId, values, m, d, opts = {}) => {
      const id = s.submitTransform(parentId, { data: Float32Array.from(values), n: m, d }, { name: opts.name ?? `test batch (${m} × ${d})` });
      const plan: FaultPlan = { ...opts.gpuFaults };
      if (opts.holdAt) plan.holdAt = { phase: opts.holdAt.phase, done: opts.holdAt.done };
      if (Object.keys(plan).length > 0) s.setFaults(id, plan);
      return id;
    },
    submitModel: (values, n, d, coords, nComponents, params, opts = {}) => {
      const id = s.submitModel({ data: Float32Array.from(values), n, d }, Float32Array.from(coords), nComponents, { name: opts.name ?? `test map (${n} × ${d})` }, params);
      if (opts.holdAt) s.setFaults(id, { holdAt: { phase: opts.holdAt.phase, done: opts.holdAt.done } });
      return id;
    },
    holdNextTransform: (at) => s.faults.setNext('transform', { holdAt: { phase: at.phase, done: at.done } }),
    holdNextRun: (at) => {
      s.faults.setNext('fit', { holdAt: { phase: at.phase, done: at.done } });
    },
    transformResult: async (id) => {
      const r = await s.transformResult(id);
      if (!r) return null;
      const { parent, m, nComponents, k, meanNearestDistance, fittedMeanKnnDistance, log } = r;
      const backend = r.backend ? { ...r.backend } : null;
      return {
        parent,
        coords: Array.from(r.embedding),
        m,
        nComponents,
        indices: Array.from(r.indices),
        k,
        meanNearestDistance,
        fittedMeanKnnDistance,
        timings: { ...r.timings },
        log,
        backend,
      };
    },
  };
}
