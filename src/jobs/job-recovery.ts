// Reading records left by earlier page loads and other tabs: which to drop, which belong to a tab
// still open, and which this tab should resume; and taking jobs over when the tab that had them lets
// go. What a record means becomes a requested transition of the job's state.
import { getJob, listJobs, type JobRecord } from './job-store';
import type { JobStates } from './job-state';
import { TERMINAL } from './job-state-record';
import type { JobTable } from './job-table';
import { JOB_PREFIX, TAB_PREFIX, lockedNames, waitForLock, type HeldLock } from './tab-lock';

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
  /** Ours, paused or interrupted: it stays as it is. */
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
    waitForLock(JOB_PREFIX + id, (lock) => void this.takeOver(id, lock, true), this.watchers.signal);
  }

  dispose(): void {
    this.watchers.abort();
  }

  /** Act on what a stored record means for this tab: someone else's, finished, or ours to resume. */
  private adopt(id: string, held: Set<string>): void {
    const f = this.states.peek(id);
    if (!f) return;
    const tabId = this.host.tabId;
    const a = adoption(f.rec, tabId, held);
    if (a.kind === 'finished') return;
    if (a.kind === 'elsewhere') {
      this.states.heldElsewhere(id);
      waitForLock(a.lock, (lock) => void this.takeOver(id, lock, a.lock.startsWith(JOB_PREFIX)), this.watchers.signal);
    } else if (a.kind === 'resume') this.states.interrupted(id, tabId, this.host.autoResume());
    else {
      this.states.adopted(id, tabId);
      if (a.kind === 'lost') this.states.failed(id, LOST_MESSAGE);
    }
  }

  private async takeOver(id: string, lock: HeldLock, isJobLock: boolean): Promise<void> {
    const fresh = await getJob(id).catch(() => undefined);
    if (!fresh) {
      lock.release();
      this.states.vanished(id);
      return;
    }
    this.states.takenOver(id, fresh);
    const held = await lockedNames();
    lock.release();
    // Holding the job's lock, the others see it as held: look at the owner tab alone.
    if (isJobLock) held.delete(JOB_PREFIX + id);
    this.adopt(id, held);
    this.host.pump();
  }

  private async refresh(id: string): Promise<void> {
    const known = this.states.peek(id);
    // This tab's own unfinished job: its view is current. A finished one is every tab's: another
    // may have deleted it (it goes here too) or retried it (it is that tab's now).
    if (known && !known.elsewhere && (known.local || !TERMINAL.has(known.rec.state))) return;
    const rec = await getJob(id).catch(() => undefined);
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
