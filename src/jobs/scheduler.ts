// The page-side job scheduler: owns the job Workers, runs queued jobs by priority within the
// device's limits, persists job records, and resumes jobs after a reload or when another tab that
// owned them closes.
import type { EngineCheckpoint } from '../engine/engine';
import type { UmapParams, UmapResult } from '../engine/types';
import type { Categories } from '../io';
import { JobCancelledError, JobStoppedError, runJob, type JobCallbacks, type JobHandle, type JobProgress } from './run-job';
import {
  deleteCheckpoints,
  deleteJob,
  describeStorageError,
  getJob,
  getResult,
  listJobs,
  putJob,
  putResult,
  type CheckpointMeta,
  type JobRecord,
  type JobState,
  type Priority,
  type ProgressCounters,
} from './job-store';
import { loadSettings, type JobSettings } from './settings';
import { lockedNames, tryLock, waitForLock, type HeldLock } from './tab-lock';

/** Below this many points a job runs at once: no queue, no checkpoints. */
export const IMMEDIATE_MAX_N = 1000;

const PRIORITY_RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };
const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

export interface JobInputData {
  data: Float32Array;
  n: number;
  d: number;
}

export interface SubmitOptions {
  name: string;
  priority?: Priority;
  categories?: Categories | null;
  labelName?: string;
  /** false: no dataset or checkpoints in IndexedDB (measuring their cost; the job cannot survive a reload). */
  checkpoints?: boolean;
}

/** What the UI and the test hook see of a job. */
export interface JobView {
  id: string;
  name: string;
  n: number;
  d: number;
  state: JobState;
  priority: Priority;
  order: number;
  progress: ProgressCounters | null;
  elapsedS: number;
  etaS: number | null;
  error: string | null;
  /** Runs in this tab now. */
  local: boolean;
  /** Owned by another open tab (running or queued there). */
  elsewhere: boolean;
  /** Immediate path: not queued, not persisted. */
  immediate: boolean;
  /** Progress events this tab received for the job. */
  events: number;
  /** Order in which this tab started jobs (1, 2, …); null before it started here. */
  startSeq: number | null;
  /** Progress of the stored checkpoint the last run resumed from; null if it started from scratch. */
  resumedFrom: ProgressCounters | null;
  lastCheckpoint: ProgressCounters | null;
  checkpoints: number;
  storageWarning: string | null;
  hasResult: boolean;
  /** Found unfinished after a reload (or taken over from a closed tab). */
  interrupted: boolean;
}

interface Entry {
  rec: JobRecord;
  immediate: boolean;
  input: JobInputData | null;
  handle: JobHandle | null;
  lock: HeldLock | null;
  checkpoint: EngineCheckpoint | null;
  result: UmapResult | null;
  watchers: Set<JobCallbacks>;
  waiters: { resolve(r: UmapResult): void; reject(e: unknown): void }[];
  local: boolean;
  elsewhere: boolean;
  etaS: number | null;
  events: number;
  startSeq: number | null;
  resumedFrom: ProgressCounters | null;
  lastCheckpoint: ProgressCounters | null;
  checkpoints: number;
  storageWarning: string | null;
  /** Seconds of work before the current run started (earlier runs of the job). */
  baseElapsedS: number;
  lastRecordWrite: number;
  gpu: boolean;
  stopping: 'pause' | null;
  /** Found unfinished after a reload or taken over from a closed tab. */
  interrupted: boolean;
  noCheckpoints: boolean;
}

const TAB_PREFIX = 'mapstream-tab:';
const JOB_PREFIX = 'mapstream-job:';

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Scheduler {
  private entries = new Map<string, Entry>();
  private listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  private startCounter = 0;
  private orderCounter = Date.now();
  private channel: BroadcastChannel | null = null;
  private tabLock: HeldLock | null = null;
  private watchers = new AbortController();
  private autoUsesGpu = false;
  readonly tabId = newId();
  settings: JobSettings;
  /** The latest storage failure, for the storage panel; null while storage works. */
  storageWarning: string | null = null;
  ready: Promise<void>;

  constructor(settings: JobSettings = loadSettings()) {
    this.settings = settings;
    this.ready = this.init();
  }

  // --- public API ----------------------------------------------------------------------------

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(): JobView[] {
    const views = [...this.entries.values()].map((e) => this.view(e));
    return views.sort((a, b) => b.order - a.order);
  }

  get(id: string): JobView | null {
    const e = this.entries.get(id);
    return e ? this.view(e) : null;
  }

  updateSettings(s: JobSettings): void {
    this.settings = s;
    this.pump();
  }

  /** Queue a job (or run it at once when it is small). Returns its id. */
  submit(input: JobInputData, params: Partial<UmapParams>, opts: SubmitOptions, cb?: JobCallbacks): string {
    const immediate = input.n < IMMEDIATE_MAX_N;
    const rec: JobRecord = {
      id: newId(),
      name: opts.name,
      n: input.n,
      d: input.d,
      params: { ...params, knnChunkSize: params.knnChunkSize ?? this.settings.chunkSize, gpuMemoryFraction: params.gpuMemoryFraction ?? this.settings.gpuMemoryFraction },
      priority: opts.priority ?? 'normal',
      order: ++this.orderCounter,
      state: 'queued',
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      elapsedS: 0,
      progress: null,
      datasetKey: null,
      categories: opts.categories ?? null,
      error: null,
      owner: this.tabId,
    };
    if (opts.labelName !== undefined) rec.labelName = opts.labelName;
    const e = this.newEntry(rec, immediate);
    e.input = input;
    if (cb) e.watchers.add(cb);
    e.noCheckpoints = opts.checkpoints === false;
    this.entries.set(rec.id, e);
    if (immediate) void this.start(e);
    else {
      void this.saveRecord(e);
      this.pump();
    }
    this.notify();
    return rec.id;
  }

  /** Callbacks for a job's progress, log and previews while it runs in this tab. */
  watch(id: string, cb: JobCallbacks): () => void {
    const e = this.entries.get(id);
    if (!e) return () => {};
    e.watchers.add(cb);
    return () => e.watchers.delete(cb);
  }

  /** Resolves with the result when the job completes; rejects if it fails or is cancelled. */
  whenDone(id: string): Promise<UmapResult> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(new Error(`No job ${id}.`));
    if (e.result) return Promise.resolve(e.result);
    if (e.rec.state === 'failed') return Promise.reject(new Error(e.rec.error ?? 'The job failed.'));
    if (e.rec.state === 'cancelled') return Promise.reject(new JobCancelledError());
    return new Promise((resolve, reject) => e.waiters.push({ resolve, reject }));
  }

  /** The result of a completed job, from memory or from the store. */
  async result(id: string): Promise<{ embedding: Float32Array; nComponents: number; n: number; rec: JobRecord; timings: UmapResult['timings']; log: string[] } | null> {
    const e = this.entries.get(id);
    if (!e) return null;
    if (e.result) return { embedding: e.result.embedding, nComponents: e.result.nComponents, n: e.result.n, rec: e.rec, timings: e.result.timings, log: e.result.log };
    const stored = await getResult(id).catch(() => undefined);
    return stored ? { ...stored, rec: e.rec } : null;
  }

  async pause(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || e.immediate) return;
    if (e.rec.state === 'queued' || e.rec.state === 'interrupted') {
      this.setState(e, 'paused');
      this.pump();
      return;
    }
    if (e.rec.state !== 'running' || !e.handle || !e.local) return;
    e.stopping = 'pause';
    // The result handler sees the JobStoppedError and records the checkpoint.
    await e.handle.pause().catch(() => null);
  }

  resume(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.elsewhere) return;
    if (e.rec.state !== 'paused' && e.rec.state !== 'interrupted') return;
    this.setState(e, 'queued');
    this.pump();
  }

  cancel(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.elsewhere || TERMINAL.has(e.rec.state)) return;
    if (e.handle) e.handle.cancel();
    else this.finish(e, 'cancelled', null);
  }

  retry(id: string): void {
    const e = this.entries.get(id);
    if (!e || (e.rec.state !== 'failed' && e.rec.state !== 'cancelled')) return;
    if (!e.input && !e.rec.datasetKey) {
      e.rec.error = 'The data of this job is no longer available; load the file again.';
      this.notify();
      return;
    }
    e.checkpoint = null;
    e.result = null;
    e.rec.error = null;
    e.rec.progress = null;
    e.rec.elapsedS = 0;
    e.baseElapsedS = 0;
    e.resumedFrom = null;
    void deleteCheckpoints(id).catch(() => {});
    this.setState(e, 'queued');
    this.pump();
  }

  async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || e.elsewhere) return;
    if (e.handle) e.handle.cancel();
    this.entries.delete(id);
    e.lock?.release();
    this.notify();
    if (!e.immediate) await deleteJob(id).catch((err) => this.warn(err));
    this.broadcast(id);
  }

  setPriority(id: string, p: Priority): void {
    const e = this.entries.get(id);
    if (!e || e.elsewhere) return;
    e.rec.priority = p;
    e.rec.order = ++this.orderCounter;
    void this.saveRecord(e);
    this.pump();
    this.notify();
  }

  /** Move a queued job one place earlier (-1) or later (+1) among queued jobs of its priority. */
  move(id: string, dir: -1 | 1): void {
    const e = this.entries.get(id);
    if (!e || e.rec.state !== 'queued') return;
    const peers = this.queued().filter((x) => x.rec.priority === e.rec.priority);
    const i = peers.indexOf(e);
    const other = peers[i + dir];
    if (!other) return;
    [e.rec.order, other.rec.order] = [other.rec.order, e.rec.order];
    void this.saveRecord(e);
    void this.saveRecord(other);
    this.notify();
  }

  /** Test hook: make a running job's Worker crash. */
  crash(id: string): boolean {
    const e = this.entries.get(id);
    if (!e?.handle) return false;
    e.handle.crash();
    return true;
  }

  dispose(): void {
    for (const e of this.entries.values()) e.handle?.cancel();
    this.watchers.abort();
    this.tabLock?.release();
    this.channel?.close();
  }

  // --- startup: records left by earlier page loads and other tabs ------------------------------

  private async init(): Promise<void> {
    this.tabLock = await tryLock(TAB_PREFIX + this.tabId);
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel('mapstream-jobs');
      this.channel.onmessage = (ev: MessageEvent<{ id: string }>) => void this.refreshFromStore(ev.data.id);
    }
    let records: JobRecord[];
    try {
      records = await listJobs();
    } catch (err) {
      this.warn(err);
      return;
    }
    const held = await lockedNames();
    const cutoff = Date.now() - this.settings.retentionHours * 3600_000;
    for (const rec of records) {
      if ((rec.state === 'failed' || rec.state === 'cancelled') && (rec.finishedAt ?? rec.createdAt) < cutoff) {
        void deleteJob(rec.id).catch(() => {});
        continue;
      }
      if (this.entries.has(rec.id)) continue;
      const e = this.newEntry(rec, false);
      this.entries.set(rec.id, e);
      this.adopt(e, held);
    }
    this.notify();
    this.pump();
  }

  /** Decide what a stored record means for this tab: someone else's, finished, or ours to resume. */
  private adopt(e: Entry, held: Set<string>): void {
    const rec = e.rec;
    if (TERMINAL.has(rec.state)) return;
    const ownerAlive = !!rec.owner && rec.owner !== this.tabId && held.has(TAB_PREFIX + rec.owner);
    const jobHeld = held.has(JOB_PREFIX + rec.id);
    if (ownerAlive || jobHeld) {
      e.elsewhere = true;
      // Take over when the owner lets go of the job (it finished, paused, or the tab closed).
      const wait = rec.state === 'running' || jobHeld ? JOB_PREFIX + rec.id : TAB_PREFIX + rec.owner!;
      waitForLock(wait, (lock) => void this.takeOver(e, lock, wait.startsWith(JOB_PREFIX)), this.watchers.signal);
      return;
    }
    rec.owner = this.tabId;
    if (rec.state === 'running' || rec.state === 'queued') {
      if (!rec.datasetKey) {
        this.finish(e, 'failed', new Error('The data of this job was not saved before the page closed; load the file again and start a new job.'));
        return;
      }
      e.interrupted = true;
      this.setState(e, this.settings.autoResume ? 'queued' : 'interrupted');
    } else void this.saveRecord(e);
  }

  private async takeOver(e: Entry, lock: HeldLock, isJobLock: boolean): Promise<void> {
    const fresh = await getJob(e.rec.id).catch(() => undefined);
    if (!fresh) {
      lock.release();
      this.entries.delete(e.rec.id);
      this.notify();
      return;
    }
    e.rec = fresh;
    e.elsewhere = false;
    const held = await lockedNames();
    if (isJobLock) {
      // Holding the job's lock, the others see it as held: look at the owner tab alone.
      lock.release();
      held.delete(JOB_PREFIX + fresh.id);
    } else lock.release();
    this.adopt(e, held);
    this.notify();
    this.pump();
  }

  private async refreshFromStore(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (e && !e.elsewhere) return; // this tab owns it; its own view is current
    const rec = await getJob(id).catch(() => undefined);
    if (!rec) {
      if (e) this.entries.delete(id);
      this.notify();
      return;
    }
    if (e) e.rec = rec;
    else {
      const n = this.newEntry(rec, false);
      this.entries.set(id, n);
      this.adopt(n, await lockedNames());
    }
    this.notify();
  }

  // --- running --------------------------------------------------------------------------------

  private queued(): Entry[] {
    return [...this.entries.values()]
      .filter((e) => e.rec.state === 'queued' && !e.elsewhere && !e.immediate)
      .sort((a, b) => PRIORITY_RANK[a.rec.priority] - PRIORITY_RANK[b.rec.priority] || a.rec.order - b.rec.order);
  }

  private pump(): void {
    void this.pumpAsync();
  }

  private pumping = false;
  private async pumpAsync(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const running = [...this.entries.values()].filter((e) => e.local && !e.immediate);
        if (running.length >= this.settings.maxConcurrentJobs) return;
        const gpuBusy = running.some((e) => e.gpu);
        let next: Entry | undefined;
        for (const e of this.queued()) {
          const gpu = await this.needsGpu(e.rec.params);
          // One GPU job at a time; CPU jobs behind a waiting GPU job still go ahead.
          if (gpu && gpuBusy) continue;
          e.gpu = gpu;
          next = e;
          break;
        }
        if (!next) return;
        if (!(await this.start(next))) continue;
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Whether a job will hold the GPU. 'auto' is learned from the backend earlier auto jobs got: asking
   * for an adapter here would cost the main thread a long task, and the job Worker's GPU lock keeps
   * GPU work one job at a time in any case.
   */
  private needsGpu(p: Partial<UmapParams>): Promise<boolean> {
    const pref = p.backend ?? 'auto';
    if (pref === 'cpu') return Promise.resolve(false);
    if (pref === 'webgpu') return Promise.resolve(true);
    return Promise.resolve(this.autoUsesGpu);
  }

  /** Threads per job, so that all running jobs together use about one thread per core. */
  private threads(): number {
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    return Math.max(1, Math.floor(cores / this.settings.maxConcurrentJobs));
  }

  private async start(e: Entry): Promise<boolean> {
    e.local = true; // counted as running from here, so pump never starts it twice
    if (!e.immediate) {
      e.lock = await tryLock(JOB_PREFIX + e.rec.id);
      if (!e.lock) {
        // Another tab has it: show it as theirs and wait.
        e.local = false;
        e.elsewhere = true;
        waitForLock(JOB_PREFIX + e.rec.id, (lock) => void this.takeOver(e, lock, true), this.watchers.signal);
        this.notify();
        return false;
      }
    }
    e.startSeq = ++this.startCounter;
    e.rec.startedAt ??= Date.now();
    e.rec.error = null;
    e.baseElapsedS = e.rec.elapsedS;
    e.stopping = null;
    const fromStore = !e.input;
    e.rec.state = 'running';
    void this.saveRecord(e);
    this.notify();
    const each = (fn: (cb: JobCallbacks) => void) => {
      for (const w of e.watchers) fn(w);
    };
    const callbacks: JobCallbacks = {
      onProgress: (p: JobProgress) => {
        e.events++;
        e.rec.progress = { phase: p.phase, done: p.done, total: p.total, unit: p.unit, ...(p.label ? { label: p.label } : {}) };
        e.etaS = p.etaS;
        e.rec.elapsedS = e.baseElapsedS + p.elapsedS;
        each((w) => w.onProgress?.(p));
        this.notify();
      },
      onLog: (line) => each((w) => w.onLog?.(line)),
      onPreview: (coords, k) => each((w) => w.onPreview?.(coords, k)),
      onDatasetStored: (key) => {
        e.rec.datasetKey = key;
        void this.saveRecord(e);
      },
      onCheckpoint: (meta: CheckpointMeta) => {
        e.checkpoints++;
        e.lastCheckpoint = meta.progress;
        // The record's progress on disk need not follow every chunk: once a second is plenty.
        if (Date.now() - e.lastRecordWrite > 1000) void this.saveRecord(e);
        this.notify();
      },
      onResumed: (from) => {
        e.resumedFrom = from?.progress ?? null;
        if (from) each((w) => w.onLog?.(`Resumed from a checkpoint (${from.progress ? `${from.progress.phase} ${from.progress.done}/${from.progress.total}` : 'start'}).`));
        this.notify();
      },
      onStorageWarning: (message) => {
        e.storageWarning = message;
        this.storageWarning = message;
        this.notify();
      },
    };
    try {
      e.handle = runJob(e.input ?? { data: new Float32Array(0), n: e.rec.n, d: e.rec.d }, e.rec.params, callbacks, {
        threads: e.immediate ? undefined : this.threads(),
        checkpoint: e.checkpoint ?? undefined,
        persist: e.immediate || e.noCheckpoints
          ? undefined
          : { jobId: e.rec.id, storeDataset: !fromStore && !e.rec.datasetKey, resumeFromStore: !e.checkpoint && (fromStore || e.interrupted) },
        ...(fromStore && e.rec.datasetKey ? { storedDataset: e.rec.datasetKey } : {}),
      });
    } catch (err) {
      this.finish(e, 'failed', err);
      return true;
    }
    const handle = e.handle;
    handle.result.then(
      (res) => {
        if (e.handle !== handle) return;
        if ((e.rec.params.backend ?? 'auto') === 'auto' && res.backend) this.autoUsesGpu = res.backend.backend === 'webgpu';
        e.result = res;
        this.finish(e, 'completed', null);
      },
      (err) => {
        if (e.handle !== handle) return;
        if (err instanceof JobStoppedError) {
          e.checkpoint = err.checkpoint;
          this.release(e);
          this.setState(e, 'paused');
          this.pump();
        } else if (err instanceof JobCancelledError) this.finish(e, 'cancelled', null);
        else this.finish(e, 'failed', err);
      },
    );
    return true;
  }

  /** Let go of the Worker, the lock and the slot. */
  private release(e: Entry): void {
    e.handle = null;
    e.local = false;
    e.etaS = null;
    const lock = e.lock;
    e.lock = null;
    // The record is written before the lock goes, so a tab waiting on the lock reads the new state.
    void this.saveRecord(e).finally(() => lock?.release());
  }

  private finish(e: Entry, state: 'completed' | 'failed' | 'cancelled', err: unknown): void {
    e.rec.state = state;
    e.rec.finishedAt = Date.now();
    if (err) e.rec.error = messageOf(err);
    if (state === 'completed' && e.result) {
      const r = e.result;
      const p = r.params.nEpochs ?? null;
      e.rec.progress = { phase: 'layout', done: p ?? e.rec.progress?.total ?? 1, total: p ?? e.rec.progress?.total ?? 1, unit: 'epochs' };
      e.etaS = 0;
    }
    const lock = e.lock;
    e.lock = null;
    e.handle = null;
    e.local = false;
    const id = e.rec.id;
    if (!e.immediate) {
      const writes: Promise<unknown>[] = [];
      if (state === 'completed' && e.result) {
        const r = e.result;
        writes.push(putResult(id, { embedding: r.embedding, nComponents: r.nComponents, n: r.n, params: r.params, timings: r.timings, log: r.log }).catch((x) => this.warn(x)));
      }
      // Checkpoints go once a job completes or is cancelled; a failed job keeps its last one for retry.
      if (state !== 'failed') writes.push(deleteCheckpoints(id).catch(() => {}));
      void Promise.all(writes)
        .then(() => this.saveRecord(e))
        .finally(() => lock?.release());
    }
    // The input can go now, unless retry may need it and it is not stored.
    if (state === 'completed') e.input = null;
    for (const w of e.waiters.splice(0)) {
      if (state === 'completed' && e.result) w.resolve(e.result);
      else w.reject(state === 'cancelled' ? new JobCancelledError() : new Error(e.rec.error ?? 'The job failed.'));
    }
    this.notify();
    this.pump();
  }

  private setState(e: Entry, s: JobState): void {
    e.rec.state = s;
    void this.saveRecord(e);
    this.notify();
  }

  private async saveRecord(e: Entry): Promise<void> {
    if (e.immediate || !this.entries.has(e.rec.id)) return;
    e.lastRecordWrite = Date.now();
    try {
      await putJob(e.rec);
      this.broadcast(e.rec.id);
    } catch (err) {
      this.warn(err);
    }
  }

  private broadcast(id: string): void {
    this.channel?.postMessage({ id });
  }

  private warn(err: unknown): void {
    this.storageWarning = `${describeStorageError(err)}; jobs continue in memory and will not survive a reload.`;
    this.notify();
  }

  private newEntry(rec: JobRecord, immediate: boolean): Entry {
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
    };
  }

  private view(e: Entry): JobView {
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
      interrupted: e.interrupted,
    };
  }

  private notify(): void {
    if (this.notifyTimer !== null) return;
    // Coalesced: progress from several Workers arrives many times a second.
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const fn of this.listeners) fn();
    }, 50);
  }
}
