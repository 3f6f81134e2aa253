// The one IndexedDB object store every jobs record lives in (key layout: job-store.ts), usable from
// the page and from job Workers.
import { promisifyRequest, type UseStore } from 'idb-keyval';

let kv: UseStore | null = null;
export function db(): UseStore {
  kv ??= relaxedStore('mapstream-jobs', 'kv');
  return kv;
}

/**
 * idb-keyval's createStore, with relaxed durability: a commit is done once the browser has the data,
 * without waiting for the disk flush. That survives a reload or a crashed tab (the browser process
 * still writes it), only an OS crash could lose the newest writes, and it makes a checkpoint's
 * commit several times cheaper. The previous checkpoint stays as the fallback either way.
 */
function relaxedStore(dbName: string, storeName: string): UseStore {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const dbp = promisifyRequest(request);
  return (txMode, callback) => dbp.then((database) => callback(database.transaction(storeName, txMode, { durability: 'relaxed' }).objectStore(storeName)));
}

/** A storage failure in words a user can act on. */
export function describeStorageError(e: unknown): string {
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'QuotaExceededError') return 'Browser storage is full (QuotaExceededError)';
  return `Browser storage refused a write (${name || 'error'}: ${(e as Error)?.message ?? String(e)})`;
}

/** Open the database ahead of the first checkpoint, so later writes clone their value at once. */
export async function openJobStore(): Promise<void> {
  await db()('readonly', (s) => promisifyRequest(s.count()));
}
