// The page-side job scheduler: runs queued jobs by priority within the device's limits, and is the
// one door the UI and the test hook use. It is composed of the state owner (job-state.ts: every
// change to a job is a transition there), the job table (store, other tabs, redraws), the runs in
// this tab (Workers, locks, followers) and recovery (records from earlier page loads and other tabs).
import type { UmapParams, UmapResult } from '../engine/types';
import type { JobRows, TransformJobResult } from './job-protocol';
import { JobCancelledError, JobStoppedError, type JobCallbacks } from './run-job';
import { messageOf } from '../io/error-message';
import type { Fault, FaultPlan } from './faults';
import { FaultPlans } from './fault-plans';
import { readDataset, type JobRecord, type Priority } from './job-store';
import type { GraphReuse } from './graph-store';
import { JobRuns, type RunHandle } from './job-launch';
import { transformRecord } from './transform-submit';
import { givenMapOf, putGivenMap } from './given-map-store';
import { putBatchMeta, type BatchMeta } from './transform-meta-store';
import { modelRecord, type ModelMeta } from './model-submit';
import { nextToStart, threadsPerJob } from './job-queue';
import { resultOf, transformResultOf, type JobResultView } from './job-results';
import { JobRecovery } from './job-recovery';
import { JobStates } from './job-state';
import { IMMEDIATE_MAX_N, TERMINAL, newId, newRecord, type SubmitOptions } from './job-state-record';
import type { JobView } from './job-state-view';
import { JobTable } from './job-table';
import { loadSettings, type JobSettings } from './settings';
import { TAB_PREFIX, JOB_PREFIX, tryLock, type HeldLock } from './tab-lock';
import { assertFits, readDevice } from './preflight';

export type { JobView, SubmitOptions };

export class Scheduler {
  readonly tabId = newId();
  settings: JobSettings;
  ready: Promise<void>;
  private readonly states = new JobStates();
  private readonly table = new JobTable(this.states);
  private readonly runs = new JobRuns(this.states, (message) => this.table.warnWith(message));
  private readonly recovery = new JobRecovery(this.states, this.table, {
    tabId: this.tabId,
    autoResume: () => this.settings.autoResume,
    pump: () => this.pump(),
  });
  /** Test faults (set only through the test hook). */
  readonly faults = new FaultPlans();
  /** Model jobs' given maps while this tab holds them (the store has them too: given-map-store.ts). */
  private readonly givenMaps = new Map<string, Float32Array>();
  private tabLock: HeldLock | null = null;
  private autoUsesGpu = false;
  private sweepTimer = setInterval(() => void this.table.sweepRetention(this.settings.retentionHours, this.tabId), 3600_000);

  constructor(settings: JobSettings = loadSettings()) {
    this.settings = settings;
    this.states.subscribe((c) => {
      if (c.save === 'delete' || c.transition === 'vanished') this.faults.delete(c.id);
      if (c.save === 'delete' || c.transition === 'vanished' || c.transition === 'completed') this.givenMaps.delete(c.id);
    });
    this.ready = this.init();
  }

  // --- views ----------------------------------------------------------------------------------

  subscribe(fn: () => void): () => void {
    return this.table.subscribe(fn);
  }

  list(): JobView[] {
    return this.states.list();
  }

  /** A job's rows as it stored them (a refit gathers its map's rows this way), or null when not stored. */
  async storedRows(id: string): Promise<{ data: Float32Array; n: number; d: number } | null> {
    const key = this.states.peek(id)?.rec.datasetKey;
    return key ? readDataset(key).catch(() => null) : null;
  }

  get(id: string): JobView | null {
    return this.states.view(id);
  }

  /** What colours a job's map by label (its record's categories), for a page that follows a job it did not submit. */
  labelsOf(id: string): { categories: JobRecord['categories']; labelName?: string } | null {
    const r = this.states.peek(id)?.rec;
    return r ? { categories: r.categories, ...(r.labelName !== undefined ? { labelName: r.labelName } : {}) } : null;
  }

  /** The stored graph the job's fit started from (result caching); null if it computed everything. */
  reused(id: string): GraphReuse | null {
    const r = this.states.peek(id)?.rec.reused;
    return r ? { ...r } : null;
  }

  /** The latest storage failure, for the storage panel; null while storage works. */
  get storageWarning(): string | null {
    return this.table.storageWarning;
  }

  /** The result of a completed job, from memory or from the store. */
  result(id: string): Promise<JobResultView | null> {
    return resultOf(this.states.peek(id));
  }

  /** Callbacks for a job's progress, log and previews while it runs in this tab. */
  watch(id: string, cb: JobCallbacks): () => void {
    return this.runs.watch(id, cb);
  }

  /** Resolves with the result when the job completes; rejects if it fails or is cancelled. */
  whenDone(id: string): Promise<UmapResult> {
    return this.runs.whenDone(id);
  }

  /** Resolves with a transform job's result when it completes; rejects if it fails or is cancelled. */
  whenTransformDone(id: string): Promise<TransformJobResult> {
    return this.runs.whenTransformDone(id);
  }

  /** A completed transform's result, from memory or (after a reload, or from another tab) the store. */
  transformResult(id: string): Promise<TransformJobResult | null> {
    return transformResultOf(this.states.peek(id));
  }

  // --- requests -------------------------------------------------------------------------------

  updateSettings(s: JobSettings): void {
    this.settings = s;
    this.pump();
  }

  /**
   * Queue a job (or run it at once when it is small). Returns its id. Throws PreflightRefusal, nothing
   * queued, for a fit certain to run out of this device's memory (every Run, link, demo, re-run).
   */
  submit(input: JobRows, params: Partial<UmapParams>, opts: SubmitOptions, cb?: JobCallbacks): string {
    assertFits({ n: input.n, d: input.d, params, rowsShared: !!input.memory }, readDevice());
    const small = input.n < IMMEDIATE_MAX_N;
    // A newer version in another tab has the store: jobs from then on run in memory.
    const noCheckpoints = opts.checkpoints === false || this.table.savingStopped;
    // A small fit still skips the queue, but is stored like any other (record, rows, result, model),
    // so its map can take added points, after a reload too. Only one that may not store anything
    // stays immediate: nothing of it outlives the page.
    const immediate = small && noCheckpoints;
    const rec = newRecord(input, params, opts, { id: newId(), order: this.states.nextOrder(), owner: this.tabId, settings: this.settings });
    const id = rec.id;
    this.faults.submitted(id, 'fit', opts.faults);
    this.states.submitted(rec, { immediate, input, noCheckpoints });
    if (cb) this.runs.watch(id, cb);
    if (small) void this.start(id, false);
    else {
      this.pump();
      setTimeout(() => this.table.storeWhileQueued(id), 0);
    }
    return id;
  }

  /**
   * Queue a transform: place `rows` into the map of completed fit `parentId`, without moving it.
   * Throws with a message for the user when the batch is empty, its dimension is not the map's, or
   * the map keeps no model; a model missing from the store fails the job with that message.
   * `meta.metadata` (the rows' metadata columns) is stored with the job, for its batch on the map.
   */
  submitTransform(parentId: string, rows: JobRows, meta: { name: string; metadata?: BatchMeta['metadata'] }, cb?: JobCallbacks): string {
    const rec = transformRecord(this.states.peek(parentId), parentId, rows, meta, { id: newId(), order: this.states.nextOrder(), owner: this.tabId, settings: this.settings });
    const batch: BatchMeta = { name: meta.name, metadata: meta.metadata ?? [] };
    this.table.storeFirst(rec.id, () => putBatchMeta(rec.id, batch));
    this.states.submitted(rec, { immediate: false, input: rows, noCheckpoints: this.table.savingStopped });
    this.faults.submitted(rec.id, 'transform');
    if (cb) this.runs.watch(rec.id, cb);
    this.pump();
    setTimeout(() => this.table.storeWhileQueued(rec.id), 0);
    return rec.id;
  }

  /**
   * Queue a model job for a precomputed map whose file also holds its vectors: a kNN-only pass over
   * `rows` (n_neighbors and metric from `params`; min_dist and spread give the a, b new points are
   * placed with) keeps a fitted model whose map is `coords` (n × nComponents), so submitTransform
   * works on the job as on a computed map. Throws with a message for the user when the rows and the
   * map do not match or the parameters are invalid.
   */
  submitModel(rows: JobRows, coords: Float32Array, nComponents: number, meta: ModelMeta, params: Partial<UmapParams>, cb?: JobCallbacks): string {
    const rec = modelRecord(rows, coords, nComponents, meta, params, { id: newId(), order: this.states.nextOrder(), owner: this.tabId, settings: this.settings });
    const id = rec.id;
    // A reload before the run ends reads the map back from the store: it is written before the job's
    // record, so a stored job always finds its map (a failed write is a storage warning).
    this.table.storeFirst(id, () => putGivenMap(id, coords));
    this.givenMaps.set(id, coords);
    this.states.submitted(rec, { immediate: false, input: rows, noCheckpoints: this.table.savingStopped });
    if (cb) this.runs.watch(id, cb);
    this.pump();
    setTimeout(() => this.table.storeWhileQueued(id), 0);
    return id;
  }

  async pause(id: string): Promise<void> {
    const f = this.states.peek(id);
    if (!f || f.immediate) return;
    if (this.states.paused(id)) {
      // It was not running yet (queued, being started, or interrupted): its place may go to another.
      this.pump();
      return;
    }
    const handle = this.runs.handle(id);
    if (f.rec.state !== 'running' || !f.local || !handle) return;
    // The run's end (a JobStoppedError with the checkpoint) is handled where it was started.
    await handle.pause().catch(() => null);
  }

  resume(id: string): void {
    const f = this.states.peek(id);
    if (!f || f.elsewhere) return;
    // Found paused after its owner tab closed (or reloaded): another open tab may resume it at once.
    if (f.rec.owner && f.rec.owner !== this.tabId) {
      this.recovery.resume(id);
      return;
    }
    if (!this.states.resumed(id)) return;
    this.pump();
    // Paused before its data was stored (or the store failed): try again while it waits.
    setTimeout(() => this.table.storeWhileQueued(id), 0);
  }

  /**
   * Stop the job at once (its Worker is terminated). Its record, checkpoints and data are deleted with
   * it, unless `keep`: then it stays as cancelled, with its data, for a retry until the retention period.
   */
  cancel(id: string, keep = false): void {
    const f = this.states.peek(id);
    if (!f || f.elsewhere || TERMINAL.has(f.rec.state)) return;
    const run = this.runs.detach(id);
    run.handle?.cancel();
    this.states.cancelled(id, keep);
    this.releaseAfterWrites(id, run.lock);
    this.pump();
  }

  retry(id: string): void {
    if (this.states.retried(id, this.tabId)) this.pump();
    else this.states.retryRefused(id);
  }

  async remove(id: string): Promise<void> {
    const f = this.states.peek(id);
    if (!f || f.elsewhere) return;
    const run = this.runs.detach(id);
    run.handle?.cancel();
    this.states.removed(id);
    this.releaseAfterWrites(id, run.lock);
    this.pump();
    await this.table.written(id);
  }

  setPriority(id: string, p: Priority): void {
    if (this.states.prioritised(id, p)) this.pump();
  }

  /** Move a queued job one place earlier (-1) or later (+1) among queued jobs of its priority. */
  move(id: string, dir: -1 | 1): void {
    this.states.moved(id, dir);
  }

  // --- test faults (only the test hook calls these) -------------------------------------------

  /** The faults the job's next run starts with; its holdAt applies to that run only. */
  setFaults(id: string, plan: FaultPlan): void {
    if (this.states.has(id)) this.faults.set(id, plan);
  }

  /** Send a fault to the job's running Worker; false if it is not running here. */
  inject(id: string, fault: Fault): boolean {
    const handle = this.runs.handle(id);
    if (!handle) return false;
    handle.inject(fault);
    return true;
  }

  /** Test hook: make a running job's Worker crash. */
  crash(id: string): boolean {
    return this.inject(id, { kind: 'crash' });
  }

  dispose(): void {
    clearInterval(this.sweepTimer);
    this.runs.stopAll();
    this.recovery.dispose();
    this.tabLock?.release();
    this.table.close();
  }

  // --- running --------------------------------------------------------------------------------

  private async init(): Promise<void> {
    this.tabLock = await tryLock(TAB_PREFIX + this.tabId);
    if (!(await this.recovery.load())) return;
    await this.table.sweepRetention(this.settings.retentionHours, this.tabId);
    this.table.notify();
    this.pump();
  }

  private pump(): void {
    void this.pumpAsync();
  }

  private pumping = false;
  /** Asked for while a pump ran: that pump may have looked at the queue before the change, so it looks again. */
  private pumpAgain = false;
  private async pumpAsync(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do this.pumpAgain = false;
      while (await this.pumpOnce());
    } finally {
      this.pumping = false;
    }
  }

  /** Start queued jobs while there is room; true if asked to look again meanwhile. */
  private async pumpOnce(): Promise<boolean> {
    for (;;) {
      const running = this.states.all().filter((f) => f.local && !f.immediate);
      if (running.length >= this.settings.maxConcurrentJobs) return this.pumpAgain;
      const next = await nextToStart(
        this.states.queued(),
        running.some((f) => f.gpu),
        this.autoUsesGpu,
      );
      if (!next) return this.pumpAgain;
      await this.start(next.id, next.gpu);
    }
  }

  /** Claim the job, take its lock and start its Worker. */
  private async start(id: string, gpu: boolean): Promise<void> {
    const f = this.states.peek(id);
    if (!f || !this.states.claimed(id, gpu)) return;
    let lock: HeldLock | null = null;
    if (!f.immediate) {
      lock = await tryLock(JOB_PREFIX + id);
      if (!lock) {
        // Another tab has it: show it as theirs and wait.
        if (this.states.heldElsewhere(id)) this.recovery.waitForJob(id);
        return;
      }
    }
    // Paused, cancelled or removed while the lock was being taken: the run never starts.
    if (!this.states.started(id)) {
      lock?.release();
      return;
    }
    this.runs.hold(id, lock);
    // A transform reads its parent's map from the store: the page's writes of it must have landed.
    if (f.rec.parent) await this.table.written(f.rec.parent);
    const plan = this.faults.takeForRun(id);
    let handle: RunHandle;
    try {
      // A small fit runs in its job Worker alone: starting a compute pool would cost more than it saves.
      const alone = f.immediate || ((f.rec.kind ?? 'fit') === 'fit' && f.rec.n < IMMEDIATE_MAX_N);
      handle = this.runs.launch(id, alone ? 0 : threadsPerJob(this.settings.maxConcurrentJobs), plan, f.rec.knnOnly ? givenMapOf(id, this.givenMaps) : undefined);
    } catch (err) {
      this.end(id, () => this.states.failed(id, messageOf(err)));
      return;
    }
    handle.result.then(
      (res) => {
        if (this.runs.handle(id) !== handle) return;
        if ((f.rec.params.backend ?? 'auto') === 'auto' && 'backend' in res && res.backend) this.autoUsesGpu = res.backend.backend === 'webgpu';
        this.end(id, () => this.states.completed(id, res));
      },
      (err) => {
        if (this.runs.handle(id) !== handle) return;
        if (err instanceof JobStoppedError) this.end(id, () => this.states.paused(id, err.checkpoint));
        else if (err instanceof JobCancelledError) this.end(id, () => this.states.cancelled(id, false));
        else this.end(id, () => this.states.failed(id, messageOf(err)));
      },
    );
  }

  /** The run is over: let go of its Worker and slot, and of its lock once the job's record is written. */
  private end(id: string, transition: () => boolean): void {
    const run = this.runs.detach(id);
    transition();
    this.releaseAfterWrites(id, run.lock);
    this.pump();
  }

  /** The record is written before the lock goes, so a tab waiting on the lock reads the new state. */
  private releaseAfterWrites(id: string, lock: HeldLock | null): void {
    if (lock) void this.table.written(id).finally(() => lock.release());
  }
}
