// The simulated write faults and the connection that follows the browser (fake-indexeddb in Node): a
// fault aborts its real transaction, so what it had put is rolled back; a newer version is let in;
// a deleted database is opened fresh, or stops a store that asks to.
import 'fake-indexeddb/auto';
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { afterEach, describe, expect, it } from 'vitest';
import { CLEARED_MESSAGE, NEWER_VERSION_MESSAGE, resilientStore, StorageStoppedError, type StorageLoss } from '../src/jobs/idb-connection';
import { armStorageFault } from '../src/jobs/storage-faults';

let k = 0;
function open(stopWhenCleared = false) {
  const name = `faults-${++k}`;
  const lost: StorageLoss[] = [];
  const store = resilientStore(name, 'kv', { durability: 'relaxed', stopWhenCleared, onLost: (l) => lost.push(l) });
  return { name, store, lost };
}

/** One readwrite transaction putting every entry, in order. */
const putAll = (store: UseStore, entries: Record<string, number>) =>
  store('readwrite', (s) => {
    for (const [key, v] of Object.entries(entries)) s.put(v, key);
    return promisifyRequest(s.transaction);
  });
const get = (store: UseStore, key: string) => store('readonly', (s) => promisifyRequest(s.get(key)));
const keys = (store: UseStore) => store('readonly', (s) => promisifyRequest(s.getAllKeys())).then((ks) => ks.map(String).sort());
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { name?: string; message?: string },
  );

function openRaw(name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, version);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

afterEach(() => armStorageFault(null));

describe('storage faults', () => {
  it('unarmed, every write goes through', async () => {
    const { store } = open();
    await putAll(store, { a: 1, b: 2 });
    expect(await keys(store)).toEqual(['a', 'b']);
  });

  it('fails the matching put after afterPuts of them, rolls its transaction back, then is spent', async () => {
    const { store } = open();
    armStorageFault({ name: 'QuotaExceededError', keyPrefix: 'b:', afterPuts: 1 });
    await putAll(store, { 'a:1': 1, 'b:1': 1 });
    const err = await errorOf(putAll(store, { 'a:2': 2, 'b:2': 2, 'c:2': 2 }));
    expect(err).toBeInstanceOf(DOMException);
    expect(err?.name).toBe('QuotaExceededError');
    // The puts before the failing one, in the same transaction, are gone with it.
    expect(await keys(store)).toEqual(['a:1', 'b:1']);
    await putAll(store, { 'b:3': 3 });
    expect(await keys(store)).toEqual(['a:1', 'b:1', 'b:3']);
  });

  it('with count, fails that many transactions; a key outside the prefix never fails', async () => {
    const { store } = open();
    armStorageFault({ name: 'UnknownError', keyPrefix: 'res:', count: 2 });
    await putAll(store, { 'job:1': 1 });
    expect((await errorOf(putAll(store, { 'res:1': 1 })))?.name).toBe('UnknownError');
    expect((await errorOf(putAll(store, { 'res:2': 2 })))?.name).toBe('UnknownError');
    await putAll(store, { 'res:3': 3 });
    expect(await keys(store)).toEqual(['job:1', 'res:3']);
  });

  it('rejects a transaction whose callback goes on after the failed put', async () => {
    const { store } = open();
    await putAll(store, { p: 0 });
    armStorageFault({ name: 'QuotaExceededError' });
    const err = await errorOf(
      store('readwrite', async (s) => {
        s.put(1, 'x');
        await promisifyRequest(s.get('p'));
        s.put(2, 'y');
        return promisifyRequest(s.transaction);
      }),
    );
    expect(err?.name).toBe('QuotaExceededError');
    expect(await keys(store)).toEqual(['p']);
  });
});

describe('the connection', () => {
  it('lets a newer version in and stops, with the message', async () => {
    const { name, store, lost } = open();
    await putAll(store, { kept: 7 });
    const newer = await openRaw(name, 2);
    expect(lost).toEqual(['newer']);
    const err = await errorOf(putAll(store, { late: 1 }));
    expect(err).toBeInstanceOf(StorageStoppedError);
    expect(err?.message).toBe(NEWER_VERSION_MESSAGE);
    // What was stored before is there for the newer version, and nothing after.
    const all = await promisifyRequest(newer.transaction('kv').objectStore('kv').getAllKeys());
    expect(all).toEqual(['kept']);
    newer.close();
  });

  it('after its database is deleted, opens a fresh one', async () => {
    const { name, store, lost } = open();
    await putAll(store, { old: 1 });
    await promisifyRequest(indexedDB.deleteDatabase(name));
    expect(lost).toEqual(['cleared']);
    await putAll(store, { 'new': 2 });
    expect(await keys(store)).toEqual(['new']);
    expect(await get(store, 'old')).toBeUndefined();
  });

  it('a store that stops when cleared fails every later call with the message', async () => {
    const { name, store } = open(true);
    await putAll(store, { old: 1 });
    await promisifyRequest(indexedDB.deleteDatabase(name));
    const err = await errorOf(putAll(store, { 'new': 2 }));
    expect(err).toBeInstanceOf(StorageStoppedError);
    expect(err?.message).toBe(CLEARED_MESSAGE);
  });
});
