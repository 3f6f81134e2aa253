// The jobs this tab knows of, kept in step with three audiences: the job store (so jobs survive a
// reload: records, queued jobs' data, deletion, retention), other tabs (told by broadcast to reread a
// record) and the UI (told, coalesced, to redraw).
import { deleteCheckpoints } from './checkpoint-store';
import { datasetKeyOfAsync } from './checksum';
import { deleteJob, putDataset, putJob, putResult, type JobState } from './job-store';
import { pastRetention, TAB_PREFIX } from './job-recovery';
import { lockedNames, type HeldLock } from './tab-lock';
import { describeStorageError } from './jobs-db';
import { viewOf, type Entry, type JobView } from './job-entry';

export class JobTable {
  protected entries = new Map<string, Entry>();
  private listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  protected channel: BroadcastChannel | null = null;
  /** The latest storage failure, for the storage panel; null while storage works. */
  storageWarning: string | null = null;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(): JobView[] {
    const views = [...this.entries.values()].map((e) => viewOf(e));
    return views.sort((a, b) => b.order - a.order);
  }

  get(id: string): JobView | null {
    const e = this.entries.get(id);
    return e ? viewOf(e) : null;
  }

  protected setState(e: Entry, s: JobState): void {
    e.rec.state = s;
    void this.saveRecord(e);
    this.notify();
  }

  protected async saveRecord(e: Entry): Promise<void> {
    if (e.immediate || !this.entries.has(e.rec.id)) return;
    e.lastRecordWrite = Date.now();
    try {
      await putJob(e.rec);
      this.broadcast(e.rec.id);
    } catch (err) {
      this.warn(err);
    }
  }

  /** Other tabs' record changes arrive here as ids to reread. */
  protected openChannel(onRecord: (id: string) => void): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel('mapstream-jobs');
    this.channel.onmessage = (ev: MessageEvent<{ id: string }>) => onRecord(ev.data.id);
  }

  /** The job's lock goes only after its result and record are written, so a tab waiting on it reads the final state. */
  protected persistOutcome(e: Entry, state: 'completed' | 'failed' | 'cancelled', lock: HeldLock | null): void {
    const id = e.rec.id;
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

  protected broadcast(id: string): void {
    this.channel?.postMessage({ id });
  }

  protected warn(err: unknown): void {
    this.storageWarning = `${describeStorageError(err)}; jobs continue in memory and will not survive a reload.`;
    this.notify();
  }

  /**
   * Failed and kept-cancelled jobs whose retention has run out go, with their data; at startup and
   * then hourly, since a tab may stay open for days.
   */
  protected async sweepRetention(retentionHours: number, tabId: string): Promise<void> {
    const now = Date.now();
    const held = await lockedNames();
    let removed = false;
    for (const e of [...this.entries.values()]) {
      if (e.elsewhere || !pastRetention(e.rec, retentionHours, now)) continue;
      // Another open tab's job is that tab's to remove (it would keep showing it otherwise).
      const owner = e.rec.owner;
      if (owner && owner !== tabId && held.has(TAB_PREFIX + owner)) continue;
      this.entries.delete(e.rec.id);
      removed = true;
      void deleteJob(e.rec.id)
        .then(() => this.broadcast(e.rec.id))
        .catch(() => {});
    }
    if (removed) this.notify();
  }
  /**
   * A job that waits in the queue has its data only in this tab's memory: store it now, so a reload
   * before it starts finds it. (A job that starts at once stores its data from its Worker.)
   */
  protected storeWhileQueued(e: Entry): void {
    const input = e.input;
    if (e.rec.state !== 'queued' || e.local || e.rec.datasetKey || !input || e.storing) return;
    const id = e.rec.id;
    e.storing = (async () => {
      const key = await datasetKeyOfAsync(input.data, input.n, input.d);
      await putDataset(key, input.data, input.n, input.d, id);
      if (this.entries.get(id) !== e) {
        // Removed while its data was being written: its reference and rows must not be left behind.
        await deleteJob(id);
        return;
      }
      e.rec.datasetKey = key;
      await this.saveRecord(e);
      this.notify();
    })()
      .catch((err) => this.warn(err))
      .finally(() => (e.storing = null));
  }

  /** A cancelled job the user did not keep: gone from the list, and everything stored for it deleted. */
  protected discard(e: Entry, lock: HeldLock | null): void {
    const id = e.rec.id;
    this.entries.delete(id);
    e.checkpoint = null;
    e.result = null;
    if (e.immediate) return;
    // The Worker is already terminated, so no checkpoint write of it can land after these deletes.
    void deleteJob(id)
      .catch((err) => this.warn(err))
      .finally(() => {
        lock?.release();
        this.broadcast(id);
      });
  }

  protected notify(): void {
    if (this.notifyTimer !== null) return;
    // Coalesced: progress from several Workers arrives many times a second.
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const fn of this.listeners) fn();
    }, 50);
  }
}
