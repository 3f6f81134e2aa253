// The page-side job scheduler: owns the job Workers, runs queued jobs by priority within the
// device's limits, persists job records, and resumes jobs after a reload or when another tab that
// owned them closes.
import type { UmapParams, UmapResult } from '../engine/types';
import { JobCancelledError, JobStoppedError, type JobCallbacks } from './run-job';
import { deleteCheckpoints } from './checkpoint-store';
import { deleteJob, getJob, getResult, listJobs, type JobRecord, type Priority } from './job-store';
import { IMMEDIATE_MAX_N, TERMINAL, clearRun, messageOf, newEntry, newId, newRecord, type Entry, type JobInputData, type JobView, type SubmitOptions } from './job-entry';
import { launchJob, type LaunchHost } from './job-launch';
import { needsGpu, queuedInOrder, threadsPerJob } from './job-queue';
import { JOB_PREFIX, TAB_PREFIX, adoption } from './job-recovery';
import { loadSettings, type JobSettings } from './settings';
import { JobTable } from './job-table';
import { lockedNames, tryLock, waitForLock, type HeldLock } from './tab-lock';

export { IMMEDIATE_MAX_N, type JobInputData, type JobView, type SubmitOptions };

export class Scheduler extends JobTable {
  private startCounter = 0;
  private orderCounter = Date.now();
  private tabLock: HeldLock | null = null;
  private watchers = new AbortController();
  private autoUsesGpu = false;
  readonly tabId = newId();
  settings: JobSettings;
  ready: Promise<void>;

  constructor(settings: JobSettings = loadSettings()) {
    super();
    this.settings = settings;
    this.ready = this.init();
  }

  // --- public API ----------------------------------------------------------------------------

  updateSettings(s: JobSettings): void {
    this.settings = s;
    this.pump();
  }

  /** Queue a job (or run it at once when it is small). Returns its id. */
  submit(input: JobInputData, params: Partial<UmapParams>, opts: SubmitOptions, cb?: JobCallbacks): string {
    const immediate = input.n < IMMEDIATE_MAX_N;
    const rec = newRecord(input, params, opts, { id: newId(), order: ++this.orderCounter, owner: this.tabId, settings: this.settings });
    const e = newEntry(rec, immediate);
    e.input = input;
    if (cb) e.watchers.add(cb);
    e.noCheckpoints = opts.checkpoints === false;
    this.entries.set(rec.id, e);
    if (immediate) void this.start(e);
    else {
      void this.saveRecord(e);
      this.pump();
      if (!e.noCheckpoints) setTimeout(() => this.storeWhileQueued(e), 0);
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
    // Paused before its data was stored (or the store failed): try again while it waits.
    if (!e.noCheckpoints) setTimeout(() => this.storeWhileQueued(e), 0);
  }

  /**
   * Stop the job at once (its Worker is terminated). Its record, checkpoints and data are deleted with
   * it, unless `keep`: then it stays as cancelled, with its data, for a retry until the retention period.
   */
  cancel(id: string, keep = false): void {
    const e = this.entries.get(id);
    if (!e || e.elsewhere || TERMINAL.has(e.rec.state)) return;
    e.keepOnCancel = keep;
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
    clearRun(e);
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
    e.handle.inject({ kind: 'crash' });
    return true;
  }

  dispose(): void {
    clearInterval(this.sweepTimer);
    for (const e of this.entries.values()) e.handle?.cancel();
    this.watchers.abort();
    this.tabLock?.release();
    this.channel?.close();
  }

  // --- startup: records left by earlier page loads and other tabs ------------------------------

  private sweepTimer = setInterval(() => void this.sweepRetention(this.settings.retentionHours, this.tabId), 3600_000);

  private async init(): Promise<void> {
    this.tabLock = await tryLock(TAB_PREFIX + this.tabId);
    this.openChannel((id) => void this.refreshFromStore(id));
    let records: JobRecord[];
    try {
      records = await listJobs();
    } catch (err) {
      this.warn(err);
      return;
    }
    const held = await lockedNames();
    for (const rec of records) {
      if (this.entries.has(rec.id)) continue;
      const e = newEntry(rec, false);
      this.entries.set(rec.id, e);
      this.adopt(e, held);
    }
    await this.sweepRetention(this.settings.retentionHours, this.tabId);
    this.notify();
    this.pump();
  }

  /** Act on what a stored record means for this tab: someone else's, finished, or ours to resume. */
  private adopt(e: Entry, held: Set<string>): void {
    const a = adoption(e.rec, this.tabId, held);
    if (a.kind === 'finished') return;
    if (a.kind === 'elsewhere') {
      e.elsewhere = true;
      waitForLock(a.lock, (lock) => void this.takeOver(e, lock, a.lock.startsWith(JOB_PREFIX)), this.watchers.signal);
      return;
    }
    e.rec.owner = this.tabId;
    if (a.kind === 'lost') this.finish(e, 'failed', new Error('The data of this job was not saved before the page closed; load the file again and start a new job.'));
    else if (a.kind === 'requeue') void this.saveRecord(e);
    else if (a.kind === 'resume') {
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
      const n = newEntry(rec, false);
      this.entries.set(id, n);
      this.adopt(n, await lockedNames());
    }
    this.notify();
  }

  // --- running --------------------------------------------------------------------------------

  private queued(): Entry[] {
    return queuedInOrder(this.entries.values());
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
          const gpu = await needsGpu(e.rec.params, this.autoUsesGpu);
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
    e.rec.state = 'running';
    void this.saveRecord(e);
    this.notify();
    try {
      e.handle = launchJob(e, this.launchHost, e.immediate ? undefined : threadsPerJob(this.settings.maxConcurrentJobs));
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
    const discard = state === 'cancelled' && !e.keepOnCancel;
    if (discard) this.discard(e, lock);
    else if (!e.immediate) this.persistOutcome(e, state, lock);
    // The input can go now, unless retry may need it and it is not stored (a retry reads stored data).
    if (state === 'completed' || discard || (e.rec.datasetKey && !e.immediate)) e.input = null;
    for (const w of e.waiters.splice(0)) {
      if (state === 'completed' && e.result) w.resolve(e.result);
      else w.reject(state === 'cancelled' ? new JobCancelledError() : new Error(e.rec.error ?? 'The job failed.'));
    }
    this.notify();
    this.pump();
  }

  private readonly launchHost: LaunchHost = {
    notify: () => this.notify(),
    saveRecord: (e) => this.saveRecord(e),
    storageWarning: (message) => {
      this.storageWarning = message;
      this.notify();
    },
  };
}
