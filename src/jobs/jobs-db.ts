// The one IndexedDB store every jobs record lives in (key layout: job-store.ts), usable from
// the page and from job Workers.
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { resilientStore, StorageStoppedError, type StorageLoss } from './idb-connection';

const lostListeners = new Set<(loss: StorageLoss) => void>();

let kv: UseStore | null = null;
/**
 * With relaxed durability: a commit is done once the browser has the data, without waiting for the
 * disk flush. That survives a reload or a crashed tab (the browser process still writes it), only an
 * OS crash could lose the newest writes, and it makes a checkpoint's commit several times cheaper.
 * The previous checkpoint stays as the fallback either way.
 *
 * Site data cleared while a job runs: its Worker stops writing (deltas on a base that is gone, a model
 * over a deleted dataset would leave half a job in the fresh database) and the job goes on in memory;
 * the page opens a fresh database, for the jobs submitted from then on (job-table.ts).
 */
export function db(): UseStore {
  kv ??= resilientStore('mapstream-jobs', 'kv', {
    durability: 'relaxed',
    stopWhenCleared: typeof window === 'undefined',
    onLost: (loss) => {
      for (const fn of lostListeners) fn(loss);
    },
  });
  return kv;
}

/** Call `fn` when this page's or Worker's connection to the jobs database is lost (see idb-connection.ts). */
export function onJobStoreLost(fn: (loss: StorageLoss) => void): () => void {
  lostListeners.add(fn);
  return () => lostListeners.delete(fn);
}

/** A storage failure in words a user can act on. */
export function describeStorageError(e: unknown): string {
  if (e instanceof StorageStoppedError) return e.message;
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'QuotaExceededError') return 'Browser storage is full (QuotaExceededError)';
  return `Browser storage refused a write (${name || 'error'}: ${(e as Error)?.message ?? String(e)})`;
}

/** Open the database ahead of the first checkpoint, so later writes clone their value at once. */
export async function openJobStore(): Promise<void> {
  await db()('readonly', (s) => promisifyRequest(s.count()));
}
