// Reading records left by earlier page loads and other tabs: which to drop, which belong to a tab
// still open, and which this tab should resume.
import type { JobRecord } from './job-store';
import { TERMINAL } from './job-entry';

/** Held by each open tab for its lifetime, so others can tell a live owner from a closed one. */
export const TAB_PREFIX = 'mapstream-tab:';
/** Held while a job runs, so two tabs never run the same job. */
export const JOB_PREFIX = 'mapstream-job:';

/** Failed and cancelled jobs are kept for retry only this long; completed ones stay for their result. */
export function pastRetention(rec: JobRecord, retentionHours: number, now = Date.now()): boolean {
  const cutoff = now - retentionHours * 3600_000;
  return (rec.state === 'failed' || rec.state === 'cancelled') && (rec.finishedAt ?? rec.createdAt) < cutoff;
}

export type Adoption =
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
export function adoption(rec: JobRecord, tabId: string, held: Set<string>): Adoption {
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
