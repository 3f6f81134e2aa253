// Keeps three audiences in step with the jobs' state: the job store (so jobs survive a reload:
// records, outcomes, queued jobs' data, deletion, retention), other tabs (told by broadcast to reread
// a record) and the UI (told, coalesced, to redraw). It follows the state owner's transitions and
// writes what each one asks for; it changes job state only by requesting transitions.
import { deleteCheckpoints } from './checkpoint-store';
import { datasetKeyOfAsync } from './checksum';
import { deleteUnusedGraphs } from './graph-store';
import { deleteJob, deleteUnusedDatasets, putDataset, putJob, putResult, putTransformResult, type JobRecord } from './job-store';
import type { JobResult } from './job-protocol';
import type { JobChange, JobStates } from './job-state';
import { TAB_PREFIX, lockedNames } from './tab-lock';
import { describeStorageError, onJobStoreLost } from './jobs-db';
import { CLEARED_MESSAGE, NEWER_VERSION_MESSAGE, type StorageLoss } from './idb-connection';
import { TERMINAL } from './job-state-record';
import { messageOf } from '../io/error-message';

const IN_MEMORY = '; the job continues in memory and will not survive a reload.';

/** Failed and cancelled jobs are kept for retry only this long; completed ones stay for their result. */
function pastRetention(rec: Readonly<JobRecord>, retentionHours: number, now = Date.now()): boolean {
  const cutoff = now - retentionHours * 3600_000;
  return (rec.state === 'failed' || rec.state === 'cancelled') && (rec.finishedAt ?? rec.createdAt) < cutoff;
}

export class JobTable {
  private listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  private channel: BroadcastChannel | null = null;
  /** Each job's store writes, in the order its transitions asked for them. */
  private writes = new Map<string, Promise<void>>();
  private lastRecordWrite = new Map<string, number>();
  /** Queued jobs whose rows the page is writing to the store now. */
  private storing = new Set<string>();
  /** The latest storage failure, for the storage panel; null while storage works. */
  storageWarning: string | null = null;
  /**
   * Jobs this tab writes nothing more of (a delete excepted): their stored entries are gone (site data
   * cleared) or must stay as they were (a result that could not be written).
   */
  private unsaved = new Set<string>();
  /** A newer version in another tab has the database: this tab's jobs run without storage. */
  savingStopped = false;
  private readonly offLost: () => void;

  constructor(private readonly states: JobStates) {
    states.subscribe((c) => this.changed(c));
    this.offLost = onJobStoreLost((loss) => this.storageLost(loss));
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Settles once every write asked for the job so far is done. A run's lock is released only then,
   * so a tab waiting on it reads the job's final record.
   */
  written(id: string): Promise<void> {
    return this.writes.get(id) ?? Promise.resolve();
  }

  /** Other tabs' record changes arrive here as ids to reread. */
  openChannel(onRecord: (id: string) => void): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel('mapstream-jobs');
    this.channel.onmessage = (ev: MessageEvent<{ id: string }>) => onRecord(ev.data.id);
  }

  close(): void {
    this.channel?.close();
    this.offLost();
  }

  warn(err: unknown): void {
    this.warnWith(`${describeStorageError(err)}; jobs continue in memory and will not survive a reload.`);
  }

  warnWith(message: string): void {
    this.storageWarning = message;
    this.notify();
  }

  /**
   * This page's connection to the jobs database was lost. The jobs it knows go on in memory and are
   * not written again: after a clear their entries are gone, and writing them into the fresh database
   * would bring back half of each (a record without its dataset or model). Jobs submitted later are
   * stored as usual, unless a newer version has the database: then nothing more is.
   */
  private storageLost(loss: StorageLoss): void {
    if (loss === 'newer') this.savingStopped = true;
    const why = loss === 'newer' ? NEWER_VERSION_MESSAGE : CLEARED_MESSAGE;
    for (const f of this.states.all()) {
      if (f.elsewhere) continue;
      this.unsaved.add(f.rec.id);
      if (!TERMINAL.has(f.rec.state)) this.states.storageWarned(f.rec.id, `${why}${IN_MEMORY}`, true);
    }
    this.warnWith(
      loss === 'newer'
        ? `${NEWER_VERSION_MESSAGE}.`
        : 'Browser storage was cleared (site data deleted): the jobs open then go on in memory and are not saved; jobs started from now on are saved again.',
    );
  }

  /** A write of the job's own entries failed: the job says so, and so does the storage panel. */
  private warnJob(id: string, err: unknown, consequence = IN_MEMORY): void {
    this.states.storageWarned(id, `${describeStorageError(err)}${consequence}`);
    this.warn(err);
  }

  /**
   * The job's result could not be written. Its stored record stays as the run left it (with its
   * checkpoints), so a reload runs it again from there instead of finding a completed job without a map.
   */
  private outcomeLost(id: string, err: unknown): void {
    this.unsaved.add(id);
    this.warnJob(id, err, '; its map is complete in this tab but was not saved (after a reload the job runs again from its last checkpoint).');
  }

  notify(): void {
    if (this.notifyTimer !== null) return;
    // Coalesced: progress from several Workers arrives many times a second.
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const fn of this.listeners) fn();
    }, 50);
  }

  /**
   * A write the job's record must not be stored before (a model job's given map, a transform's batch
   * metadata): queued ahead of the record's first write, so a reload that finds the job finds this too.
   */
  storeFirst(id: string, write: () => Promise<void>): void {
    this.enqueue(id, write);
  }

  /**
   * A job that waits in the queue has its data only in this tab's memory: store it now, so a reload
   * before it starts finds it. (A job that starts at once stores its data from its Worker.)
   */
  storeWhileQueued(id: string): void {
    const f = this.states.peek(id);
    const input = f?.input;
    if (!f || !input || f.rec.state !== 'queued' || f.local || f.rec.datasetKey || f.noCheckpoints || this.storing.has(id)) return;
    this.storing.add(id);
    void (async () => {
      const key = await datasetKeyOfAsync(input.data, input.n, input.d);
      await putDataset(key, input.data, input.n, input.d, id);
      // Removed while its data was being written: its reference and rows must not be left behind.
      if (!this.states.datasetStored(id, key)) await deleteJob(id);
    })()
      .catch((err) => this.warn(err))
      .finally(() => this.storing.delete(id));
  }

  /**
   * Failed and kept-cancelled jobs whose retention has run out go, with their data; at startup and
   * then hourly, since a tab may stay open for days.
   */
  async sweepRetention(retentionHours: number, tabId: string): Promise<void> {
    const now = Date.now();
    const held = await lockedNames();
    for (const f of this.states.all()) {
      if (f.elsewhere || !pastRetention(f.rec, retentionHours, now)) continue;
      // Another open tab's job is that tab's to remove (it would keep showing it otherwise).
      const owner = f.rec.owner;
      if (owner && owner !== tabId && held.has(TAB_PREFIX + owner)) continue;
      this.states.expired(f.rec.id);
    }
    // Once every delete queued so far has been written, nothing stored may be left without a job.
    await Promise.all([...this.writes.values()]);
    await deleteUnusedDatasets().catch((err) => console.warn(`mapstream: could not remove unused datasets: ${messageOf(err)}`));
    await deleteUnusedGraphs().catch((err) => console.warn(`mapstream: could not remove unused graphs: ${messageOf(err)}`));
  }

  private changed(c: JobChange): void {
    this.notify();
    if (c.immediate) return;
    const id = c.id;
    if (c.transition === 'retried') this.enqueue(id, () => deleteCheckpoints(id).catch(() => {}));
    switch (c.save) {
      case 'none':
        return;
      case 'throttled':
        if (Date.now() - (this.lastRecordWrite.get(id) ?? 0) > 1000) this.saveRecord(id);
        return;
      case 'record':
        this.saveRecord(id);
        return;
      case 'outcome':
        this.saveOutcome(id);
        return;
      case 'delete':
        this.lastRecordWrite.delete(id);
        this.unsaved.delete(id);
        // Any Worker of the job is already terminated, so no checkpoint write of it can land after this.
        this.enqueue(id, () =>
          deleteJob(id)
            .catch((err) => (c.transition === 'expired' ? console.warn(`mapstream: could not remove expired job ${id}: ${messageOf(err)}`) : this.warn(err)))
            .then(() => this.broadcast(id)),
        );
    }
  }

  private saveRecord(id: string): void {
    this.lastRecordWrite.set(id, Date.now());
    this.enqueue(id, async () => {
      // The latest record is written, whatever it became while earlier writes ran; a deleted job is not.
      const f = this.states.peek(id);
      if (!f || this.unsaved.has(id)) return;
      try {
        await putJob(f.rec);
        this.broadcast(id);
      } catch (err) {
        this.warnJob(id, err);
      }
    });
  }

  /** The result before the record, so a tab that reads "completed" finds the result. */
  private saveOutcome(id: string): void {
    const f = this.states.peek(id);
    if (!f || this.unsaved.has(id)) return;
    const r = f.result;
    const lost = (x: unknown) => this.outcomeLost(id, x);
    if (f.rec.state === 'completed' && r) {
      const backend = (r as JobResult).backend?.backend;
      const stored = { embedding: r.embedding, nComponents: r.nComponents, n: r.n, params: r.params, timings: r.timings, log: r.log, ...(backend ? { backend } : {}) };
      this.enqueue(id, () => putResult(id, stored).catch(lost));
    }
    const t = f.transformResult;
    if (f.rec.state === 'completed' && t) this.enqueue(id, () => putTransformResult(id, t).catch(lost));
    // Checkpoints go once a job completes or is cancelled; a failed job keeps its last one for retry.
    if (f.rec.state !== 'failed') this.enqueue(id, () => (this.unsaved.has(id) ? Promise.resolve() : deleteCheckpoints(id).catch(() => {})));
    this.saveRecord(id);
  }

  private enqueue(id: string, write: () => Promise<void>): void {
    const next = (this.writes.get(id) ?? Promise.resolve()).then(write).catch((err) => this.warn(err));
    this.writes.set(id, next);
    void next.then(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    });
  }

  private broadcast(id: string): void {
    this.channel?.postMessage({ id });
  }
}
