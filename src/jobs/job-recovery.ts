// Reading records left by earlier page loads and other tabs: which to drop, which belong to a tab
// still open, and which this tab should resume; and taking jobs over when the tab that had them lets
// go. What a record means becomes a requested transition of the job's state.
import { getJob, listJobs, type JobRecord } from './job-store';
import type { JobStates } from './job-state';
import { TERMINAL } from './job-state-record';
import type { JobTable } from './job-table';
import { JOB_PREFIX, TAB_PREFIX, lockedNames, tryLock, waitForLock, type HeldLock } from './tab-lock';

type Adoption =
  /** Nothing to do: the job is over. */
  | { kind: 'finished' }
  /** Another tab has it; wait on this lock, whose release means the job is free to take. */
  | { kind: 'elsewhere'; lock: string }
  /** Ours, unfinished, but its data never reached the store: it cannot be resumed. */
  | { kind: 'lost' }
  /** Ours and unfinished, with its data stored. */
  | { kind: 'resume' }
  /** Ours, queued and never started, with its data stored: it waits in the queue as before. */
  | { kind: 'requeue' }
  /**
   * Paused or interrupted, and no open tab's but perhaps ours: it stays as it is, with its owner,
   * until a tab resumes it (the resume claims it), so a reloaded tab and another open one both offer it.
   */
  | { kind: 'keep' };

/** What a stored record means for this tab, given the lock names held now. */
function adoption(rec: Readonly<JobRecord>, tabId: string, held: Set<string>): Adoption {
  if (TERMINAL.has(rec.state)) return { kind: 'finished' };
  const ownerAlive = !!rec.owner && rec.owner !== tabId && held.has(TAB_PREFIX + rec.owner);
  const jobHeld = held.has(JOB_PREFIX + rec.id);
  if (ownerAlive || jobHeld) {
    // Take over when the owner lets go of the job (it finished, paused, or the tab closed).
    return { kind: 'elsewhere', lock: rec.state === 'running' || jobHeld ? JOB_PREFIX + rec.id : TAB_PREFIX + rec.owner! };
  }
  if (rec.state === 'running' || rec.state === 'queued') {
    if (!rec.datasetKey) return { kind: 'lost' };
    return rec.state === 'queued' && rec.startedAt === null ? { kind: 'requeue' } : { kind: 'resume' };
  }
  return { kind: 'keep' };
}

const LOST_MESSAGE = 'The data of this job was not saved before the page closed; load the file again and start a new job.';

/** What recovery needs of the scheduler. */
export interface RecoveryHost {
  readonly tabId: string;
  autoResume(): boolean;
  pump(): void;
}

export class JobRecovery {
  private watchers = new AbortController();

  constructor(
    private readonly states: JobStates,
    private readonly table: JobTable,
    private readonly host: RecoveryHost,
  ) {}

  /** The records earlier page loads and other tabs left; false when the store cannot be read. */
  async load(): Promise<boolean> {
    this.table.openChannel((id) => void this.refresh(id));
    let records: JobRecord[];
    try {
      records = await listJobs();
    } catch (err) {
      this.table.warn(err);
      return false;
    }
    const held = await lockedNames();
    for (const rec of records) if (this.states.found(rec)) this.adopt(rec.id, held);
    return true;
  }

  /** Another tab holds the job's lock: it is theirs until they let go of it. */
  waitForJob(id: string): void {
    waitForLock(JOB_PREFIX + id, (lock) => void this.takeOver(id, lock, JOB_PREFIX + id), this.watchers.signal);
  }

  /** Resume a paused or interrupted job another tab (now closed) owned: this tab claims it first. */
  resume(id: string): void {
    void this.claim(id);
  }

  dispose(): void {
    this.watchers.abort();
  }

  /** Act on what a stored record means for this tab: someone else's, finished, or ours to resume. */
  private adopt(id: string, held: Set<string>): void {
    const f = this.states.peek(id);
    if (f) this.apply(id, adoption(f.rec, this.host.tabId, held));
  }

  /**
   * Resume a job no open tab owns, as its owner. A reloaded tab and other open ones all offer it, so
   * the claim is made holding the job's lock, on the record read again there, and written before the
   * lock goes: the next tab to look finds a live owner and shows it as theirs. Meanwhile the job
   * counts as elsewhere here, so this tab's queue does not start it.
   */
  private async claim(id: string): Promise<void> {
    if (this.states.peek(id)?.local || !this.states.heldElsewhere(id)) return;
    const lock = await tryLock(JOB_PREFIX + id);
    if (!lock) {
      // Another tab runs it, or is claiming it now.
      this.waitForJob(id);
      return;
    }
    try {
      const fresh = await getJob(id).catch(() => undefined);
      if (!fresh) {
        this.states.vanished(id);
        return;
      }
      this.states.takenOver(id, fresh);
      const held = await lockedNames();
      held.delete(JOB_PREFIX + id);
      const a = adoption(fresh, this.host.tabId, held);
      if (a.kind === 'keep') this.states.resumed(id, this.host.tabId);
      else this.apply(id, a);
      await this.table.written(id);
    } finally {
      lock.release();
    }
    this.host.pump();
  }

  private apply(id: string, a: Adoption): void {
    const tabId = this.host.tabId;
    if (a.kind === 'finished' || a.kind === 'keep') return;
    if (a.kind === 'elsewhere') {
      this.states.heldElsewhere(id);
      waitForLock(a.lock, (lock) => void this.takeOver(id, lock, a.lock), this.watchers.signal);
    } else if (a.kind === 'resume') this.states.interrupted(id, tabId, this.host.autoResume());
    else {
      // requeue or lost
      this.states.adopted(id, tabId);
      if (a.kind === 'lost') this.states.failed(id, LOST_MESSAGE);
    }
  }

  /** `name` is the lock waited on, held here now: the job's, or its owner tab's (that tab has closed). */
  private async takeOver(id: string, lock: HeldLock, name: string): Promise<void> {
    const fresh = await getJob(id).catch(() => undefined);
    if (!fresh) {
      lock.release();
      this.states.vanished(id);
      return;
    }
    this.states.takenOver(id, fresh);
    const held = await lockedNames();
    lock.release();
    // This tab holds that lock now, so the query lists it: holding the closed owner's tab lock must
    // not read as that tab being alive (it would wait on it again, and hand it back and forth with
    // any other tab waiting too), nor holding the job's as another tab running it.
    held.delete(name);
    this.adopt(id, held);
    this.host.pump();
  }

  /** The store's record replaces this tab's view of a job no open tab owned; then it is acted on afresh. */
  private async reread(id: string, rec: JobRecord | undefined): Promise<void> {
    if (!this.states.heldElsewhere(id)) return;
    if (!rec) {
      this.states.vanished(id);
      return;
    }
    this.states.takenOver(id, rec);
    this.adopt(id, await lockedNames());
  }

  private async refresh(id: string): Promise<void> {
    const known = this.states.peek(id);
    // This tab's own unfinished job: its view is current. A finished one is every tab's: another
    // may have deleted it (it goes here too) or retried it (it is that tab's now).
    // An unfinished one found here that no open tab owned (paused when its tab closed) is read again:
    // another tab may have resumed it, and it is that tab's now.
    const unclaimed = !!known && !known.elsewhere && !known.local && !TERMINAL.has(known.rec.state) && !!known.rec.owner && known.rec.owner !== this.host.tabId;
    if (known && !known.elsewhere && !unclaimed && (known.local || !TERMINAL.has(known.rec.state))) return;
    const rec = await getJob(id).catch(() => undefined);
    if (unclaimed) {
      if (!rec || TERMINAL.has(rec.state) || rec.owner !== known.rec.owner) void this.reread(id, rec);
      return;
    }
    if (!rec) {
      this.states.vanished(id);
      return;
    }
    if (known && !known.elsewhere) {
      if (this.states.refreshed(id, rec) && !TERMINAL.has(rec.state)) this.adopt(id, await lockedNames());
    } else if (this.states.has(id)) this.states.refreshed(id, rec);
    else if (this.states.found(rec)) this.adopt(id, await lockedNames());
  }
}
