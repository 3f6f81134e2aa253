// The jobs this tab knows of, kept in step with three audiences: the job store (so jobs survive a
// reload), other tabs (told by broadcast to reread a record) and the UI (told, coalesced, to redraw).
import { deleteCheckpoints } from './checkpoint-store';
import { putJob, putResult, type JobState } from './job-store';
import { describeStorageError } from './jobs-db';
import type { HeldLock } from './tab-lock';
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

  protected notify(): void {
    if (this.notifyTimer !== null) return;
    // Coalesced: progress from several Workers arrives many times a second.
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const fn of this.listeners) fn();
    }, 50);
  }
}
