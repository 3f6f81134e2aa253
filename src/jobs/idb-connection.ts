// One IndexedDB database and object store behind idb-keyval's UseStore, with a connection that
// follows what the browser does to it. A newer version opened in another tab asks every connection
// to close (versionchange) and waits, blocked, until they have: this one closes at once and stops,
// since this code's idea of the schema is no longer the database's. Site data cleared by the user
// (DevTools' "Clear site data", the browser's settings) closes it from outside (close): the next
// call opens a fresh, empty database, or, where a store asks to stop then, fails with a message.
import type { UseStore } from 'idb-keyval';
import { guardWrites } from './storage-faults';

export type StorageLoss = 'cleared' | 'newer';

/** The connection stopped for good in this page or Worker; the message says why and what to do. */
export class StorageStoppedError extends Error {
  override name = 'StorageStoppedError';
}

export const NEWER_VERSION_MESSAGE = 'mapstream was opened in a newer version in another tab, so this tab stopped saving (reload to go on with it)';
export const CLEARED_MESSAGE = 'Browser storage was cleared while this job was open (site data deleted)';

export interface StoreOptions {
  durability: IDBTransactionDurability;
  /** After a clear, fail every later call instead of opening a fresh database. */
  stopWhenCleared: boolean;
  /** Told once per connection lost. */
  onLost?(loss: StorageLoss): void;
}

interface Connection {
  database: IDBDatabase;
  lose(loss: StorageLoss): void;
}

export function resilientStore(dbName: string, storeName: string, opts: StoreOptions): UseStore {
  let current: Promise<Connection> | null = null;
  let stopped: string | null = null;

  const connect = (): Promise<Connection> => {
    if (stopped) return Promise.reject(new StorageStoppedError(stopped));
    if (current) return current;
    const opening = new Promise<Connection>((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      request.onerror = () => {
        if (current === opening) current = null;
        reject(request.error);
      };
      request.onsuccess = () => {
        const database = request.result;
        let gone = false;
        const lose = (loss: StorageLoss) => {
          if (gone) return;
          gone = true;
          database.close();
          if (current === opening) current = null;
          if (loss === 'newer') stopped ??= NEWER_VERSION_MESSAGE;
          else if (opts.stopWhenCleared) stopped ??= CLEARED_MESSAGE;
          opts.onLost?.(loss);
        };
        // A deletion of the database (newVersion null) is a clear too.
        database.onversionchange = (ev) => lose(ev.newVersion === null ? 'cleared' : 'newer');
        database.onclose = () => lose('cleared');
        resolve({ database, lose });
      };
    });
    current = opening;
    return opening;
  };

  const use = async <T>(txMode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>, retried = false): Promise<T> => {
    const conn = await connect();
    let tx: IDBTransaction;
    try {
      tx = conn.database.transaction(storeName, txMode, { durability: opts.durability });
    } catch (e) {
      // Closed from outside before its close event arrived: a clear. One fresh try, where allowed.
      if ((e as { name?: string } | null)?.name !== 'InvalidStateError' || retried) throw e;
      conn.lose('cleared');
      return use(txMode, callback, true);
    }
    const store = tx.objectStore(storeName);
    if (txMode !== 'readwrite') return callback(store);
    const guard = guardWrites(store);
    try {
      const out = await callback(guard.store);
      const failure = guard.failure();
      if (failure) throw failure;
      return out;
    } catch (e) {
      throw guard.failure() ?? e;
    }
  };
  return (txMode, callback) => use(txMode, callback);
}
