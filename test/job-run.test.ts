// The job Worker's run (src/jobs/job-run.ts) in Node: an in-process pool instead of compute Workers,
// a fake storage instead of IndexedDB, and a clock that the test controls.
import { describe, expect, it } from 'vitest';
import { UmapEngine, type EngineCheckpoint, type EngineDelta } from '../src/engine/engine';
import { ComputeCore, LocalPool } from '../src/engine/compute-core';
import { resolveParams } from '../src/engine/params';
import { gaussianMixture } from '../src/engine/synthetic';
import type { ProgressEvent, UmapParams } from '../src/engine/types';
import type { CheckpointMeta, LoadedCheckpoint } from '../src/jobs/checkpoint-store';
import type { CheckpointSink, JobStorage } from '../src/jobs/job-persistence';
import type { JobCallbacks, JobOptions, JobOutcome, JobResult, JobSource } from '../src/jobs/job-protocol';
import { JobRun, type JobRunDeps } from '../src/jobs/job-run';

const n = 400;
const d = 8;
const { data } = gaussianMixture({ n, d, seed: 5 });
const partial: Partial<UmapParams> = { nEpochs: 40, seed: 7, backend: 'cpu', knnChunkSize: 100 };
const params = resolveParams(partial, n);

/**
 * An in-process pool whose layout steps are always whole runs of epochs up to the next multiple of 5
 * (the engine's loop otherwise also ends a step after 25 ms), so the boundaries, and with them the
 * progress events, are the same in every run.
 */
function steadyPool(core: ComputeCore): LocalPool {
  const pool = new LocalPool(core);
  return Object.assign(pool, {
    async layoutEpochs(epoch: number, alphas: readonly number[], embedding: Float32Array) {
      for (let i = 0; i < alphas.length; i++) await pool.layoutEpoch(epoch + i, alphas[i]!, embedding);
    },
  });
}

/** The same job straight on the engine, with every progress event it emits. */
async function direct(checkpoint?: EngineCheckpoint): Promise<{ embedding: Float32Array; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  const core = new ComputeCore(data.slice(), n, d, params.metric);
  const engine = new UmapEngine({ data: data.slice(), n, d }, params, { onProgress: (e) => events.push({ ...e }) }, { checkpoint, pool: steadyPool(core) });
  await engine.run();
  return { embedding: engine.result().embedding, events };
}

/** The engine on its own, with its own in-process pool. */
async function plainEngineMap(): Promise<Float32Array> {
  const engine = new UmapEngine({ data: data.slice(), n, d }, params);
  await engine.run();
  return engine.result().embedding;
}

/** A stopped engine's checkpoint after `steps` steps. */
async function checkpointAfter(steps: number): Promise<EngineCheckpoint> {
  const engine = new UmapEngine({ data: data.slice(), n, d }, params);
  let k = 0;
  await engine.run({ shouldStop: () => k++ >= steps });
  return structuredClone(engine.checkpoint());
}

interface Fakes {
  deps: JobRunDeps;
  /** Pools created and terminated. */
  pools: { created: number; terminated: number };
  /** Progress at every checkpoint boundary (persistence only). */
  boundaries: (ProgressEvent | null)[];
  loads: number;
}

function fakes(
  opts: { now?: () => number; load?: () => LoadedCheckpoint | null; onBoundary?: (p: ProgressEvent | null) => void; onStopped?: (p: ProgressEvent | null) => void; openFails?: boolean } = {},
): Fakes {
  const pools = { created: 0, terminated: 0 };
  const boundaries: (ProgressEvent | null)[] = [];
  const f: Fakes = { deps: null!, pools, boundaries, loads: 0 };
  const sink: CheckpointSink = {
    async boundary(_engine, progress) {
      boundaries.push(progress && { ...progress });
      opts.onBoundary?.(progress);
    },
    async stopped(_engine, progress) {
      opts.onStopped?.(progress);
    },
    async flush() {},
    summary: () => null,
  };
  const stored = new Map<string, Float32Array>();
  const storage: JobStorage = {
    open: async () => {
      if (opts.openFails) throw Object.assign(new Error('no room'), { name: 'QuotaExceededError' });
    },
    putDataset: async (key, rows) => void stored.set(key, rows.slice()),
    async readDataset(key, into) {
      into.set(stored.get(key)!);
      return { n, d };
    },
    async loadCheckpoint() {
      f.loads++;
      return opts.load?.() ?? null;
    },
    checkpointWriter: () => sink,
  };
  f.deps = {
    async createPool(_size, store, metric) {
      pools.created++;
      return Object.assign(steadyPool(new ComputeCore(store, store.n, store.d, metric)), { terminate: () => void pools.terminated++ });
    },
    chooseBackend: async () => ({ report: { backend: 'cpu', reason: 'cpu: chosen in the settings' }, adapter: null }),
    startGpuSession: () => Promise.reject(new Error('no GPU here')),
    withGpuLock: (fn) => fn(),
    storage,
    now: opts.now ?? (() => 0),
  };
  return f;
}

interface Run {
  outcome: Promise<JobOutcome>;
  events: ProgressEvent[];
  log: string[];
  cb: JobCallbacks<ProgressEvent> & { resumed: (CheckpointMeta | null)[]; warnings: string[]; storedKeys: string[] };
}

function start(run: JobRun, options: JobOptions, source: JobSource = { data: data.slice(), n, d }, onProgress?: (e: ProgressEvent) => void): Run {
  const events: ProgressEvent[] = [];
  const log: string[] = [];
  const cb = {
    resumed: [] as (CheckpointMeta | null)[],
    warnings: [] as string[],
    storedKeys: [] as string[],
    onProgress(e: ProgressEvent) {
      events.push({ ...e });
      onProgress?.(e);
    },
    onLog: (line: string) => void log.push(line),
    onResumed: (from: CheckpointMeta | null) => void cb.resumed.push(from),
    onStorageWarning: (m: string) => void cb.warnings.push(m),
    onDatasetStored: (key: string) => void cb.storedKeys.push(key),
  };
  return { outcome: run.start({ source, params: partial, options }, cb), events, log, cb };
}

async function done(o: Promise<JobOutcome>): Promise<JobResult> {
  const out = await o;
  if (out.status !== 'done') throw new Error('the run stopped');
  return out.result;
}

async function stopped(o: Promise<JobOutcome>): Promise<EngineCheckpoint> {
  const out = await o;
  if (out.status !== 'stopped') throw new Error('the run finished');
  return out.checkpoint;
}

const key = (e: ProgressEvent) => `${e.phase} ${e.done}/${e.total}`;

describe('job run (the job Worker, in process)', () => {
  it('gives the same map as the engine run directly, on its pool, and ends the pool', async () => {
    expect((await direct()).embedding).toEqual(await plainEngineMap());
    const want = await direct();
    const f = fakes();
    const r = start(new JobRun(f.deps), { threads: 2 });
    const result = await done(r.outcome);
    expect(result.embedding).toEqual(want.embedding);
    expect(result.backend).toEqual({ backend: 'cpu', reason: 'cpu: chosen in the settings' });
    expect(result.log[0]).toBe('Backend: cpu: chosen in the settings.');
    expect(f.pools).toEqual({ created: 1, terminated: 1 });
    // No threads: the run computes in its own thread, without a pool.
    const g = fakes();
    expect((await done(start(new JobRun(g.deps), { threads: 0 }).outcome)).embedding).toEqual(want.embedding);
    expect(g.pools.created).toBe(0);
  });

  it('throttles progress, but every phase first and last event gets through', async () => {
    const all = (await direct()).events;
    // A clock that never moves: only the events the throttle must send are sent.
    const r = start(new JobRun(fakes().deps), { threads: 1 });
    await done(r.outcome);
    expect(r.events.length).toBeLessThan(all.length);
    // What is sent is what the engine emitted, in order.
    let at = 0;
    for (const e of r.events) {
      at = all.findIndex((x, i) => i >= at && key(x) === key(e));
      expect(at).toBeGreaterThanOrEqual(0);
    }
    for (const phase of ['knn', 'graph', 'init', 'layout'] as const) {
      const emitted = all.filter((e) => e.phase === phase);
      const sent = r.events.filter((e) => e.phase === phase);
      expect(key(sent[0]!)).toBe(key(emitted[0]!));
      expect(key(sent[sent.length - 1]!)).toBe(key(emitted[emitted.length - 1]!));
      expect(sent[sent.length - 1]!.done).toBe(sent[sent.length - 1]!.total);
    }
    // A clock that moves 1 s per reading lets every event through.
    let t = 0;
    const s = start(new JobRun(fakes({ now: () => (t += 1000) }).deps), { threads: 1 });
    await done(s.outcome);
    expect(s.events.map(key)).toEqual(all.map(key));
  });

  it('a stop returns the checkpoint of the boundary it stopped at, and the event held back there is sent', async () => {
    let run: JobRun;
    const f = fakes({ onBoundary: (p) => p?.phase === 'layout' && p.done >= 15 && run.stop() });
    run = new JobRun(f.deps);
    const r = start(run, { threads: 1, persist: { jobId: 'j1', storeDataset: false, resumeFromStore: false } });
    const cp = await stopped(r.outcome);
    expect(cp.phase).toBe('layout');
    const last = r.events[r.events.length - 1]!;
    // Mid-phase with a still clock, that event was held back by the throttle until the stop.
    expect(last).toMatchObject({ phase: 'layout', done: cp.epoch });
    expect(f.boundaries[f.boundaries.length - 1]).toEqual({ phase: 'layout', done: cp.epoch, total: last.total, unit: 'epochs' });
    expect(f.pools.terminated).toBe(1);
    // The checkpoint resumes to the uninterrupted map.
    expect((await direct(cp)).embedding).toEqual((await direct()).embedding);
  });

  it('holdAt waits at its boundary, after sending its progress, until released; a stop meanwhile stops exactly there', async () => {
    const run = new JobRun(fakes().deps);
    let seenAtHold = -1;
    let seenAtRelease = -1;
    const r = start(run, { threads: 1, faults: { holdAt: { phase: 'layout', done: 10 } } }, undefined, (e) => {
      if (e.phase !== 'layout' || e.done < 10 || seenAtHold >= 0) return;
      seenAtHold = r.events.length;
      setTimeout(() => {
        seenAtRelease = r.events.length;
        run.stop();
        run.release();
      }, 50);
    });
    const cp = await stopped(r.outcome);
    expect(cp.epoch).toBe(10);
    // Nothing moved while the run was held, nor after: it stopped at that boundary.
    expect(seenAtRelease).toBe(seenAtHold);
    expect(r.events.length).toBe(seenAtHold);
    expect(r.events[r.events.length - 1]).toMatchObject({ phase: 'layout', done: 10 });
    // Released without a stop, the run goes on to the uninterrupted map.
    const run2 = new JobRun(fakes().deps);
    const r2 = start(run2, { threads: 1, faults: { holdAt: { phase: 'knn', done: 200 } } }, undefined, (e) => {
      if (e.phase === 'knn' && e.done >= 200) setTimeout(() => run2.release(), 10);
    });
    expect((await done(r2.outcome)).embedding).toEqual((await direct()).embedding);
  });

  it('at its hold a run first saves what the checkpoint budget skipped, then tells the page where it is', async () => {
    const order: string[] = [];
    const f = fakes({ onStopped: (p) => void order.push(`saved ${p?.phase} ${p?.done}`) });
    const run = new JobRun(f.deps);
    const r = start(run, { threads: 1, persist: { jobId: 'j', storeDataset: false, resumeFromStore: false }, faults: { holdAt: { phase: 'layout', done: 10 } } }, undefined, (e) => {
      if (e.phase !== 'layout' || e.done < 10 || order.some((o) => o.startsWith('told'))) return;
      order.push(`told ${e.phase} ${e.done}`);
      setTimeout(() => run.release(), 10);
    });
    await done(r.outcome);
    expect(order.slice(0, 2)).toEqual(['saved layout 10', 'told layout 10']);
  });

  it('stored steps that fail to replay are dropped: the run goes on from their base', async () => {
    const base = await checkpointAfter(1);
    const bad: EngineDelta = { version: 1, phase: 'layout', step: { kind: 'layout', epoch: 5, embedding: new Float32Array(n * 2) }, timings: base.timings, log: [] };
    const meta: CheckpointMeta = { key: 'cp:j2:00000001', seq: 1, checksum: 'x', bytes: 0, savedAt: 0, progress: { phase: 'knn', done: 100, total: n, unit: 'points' } };
    const f = fakes({ load: () => ({ checkpoint: structuredClone(base), deltas: [bad], meta, fellBack: false }) });
    const r = start(new JobRun(f.deps), { threads: 1, persist: { jobId: 'j2', storeDataset: false, resumeFromStore: true } });
    const result = await done(r.outcome);
    expect(f.loads).toBe(2);
    expect(r.cb.resumed).toEqual([meta]);
    expect(result.log.some((l) => l.startsWith('Resume: the stored steps could not be replayed'))).toBe(true);
    expect(result.embedding).toEqual((await direct(base)).embedding);
    expect(result.embedding).toEqual((await direct()).embedding);
  });

  it('stores the dataset once asked, reads a stored one back, and runs in memory when storage fails', async () => {
    const f = fakes();
    const want = (await direct()).embedding;
    const a = start(new JobRun(f.deps), { threads: 1, persist: { jobId: 'j3', storeDataset: true, resumeFromStore: false } });
    expect((await done(a.outcome)).embedding).toEqual(want);
    expect(a.cb.storedKeys).toHaveLength(1);
    expect(f.boundaries.length).toBeGreaterThan(0);
    const b = start(new JobRun(f.deps), { threads: 1 }, { stored: a.cb.storedKeys[0]!, n, d });
    expect((await done(b.outcome)).embedding).toEqual(want);
    const g = fakes({ openFails: true });
    const c = start(new JobRun(g.deps), { threads: 1, persist: { jobId: 'j4', storeDataset: true, resumeFromStore: false } });
    expect((await done(c.outcome)).embedding).toEqual(want);
    expect(c.cb.warnings[0]).toMatch(/^Browser storage is full \(QuotaExceededError\); the job continues in memory/);
    expect(g.boundaries).toHaveLength(0);
  });
});
