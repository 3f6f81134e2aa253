import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { partRange, partsUnder, putWithParts, readWithParts, setPartSizes } from '../src/jobs/value-parts';

function open(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const r = indexedDB.open(`parts-${Math.random()}`);
    r.onupgradeneeded = () => r.result.createObjectStore('kv');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

function tx<T>(db: IDBDatabase, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => Promise<T> | T): Promise<T> {
  const t = db.transaction('kv', mode);
  const out = Promise.resolve(fn(t.objectStore('kv')));
  return new Promise((ok, fail) => {
    t.oncomplete = () => out.then(ok, fail);
    t.onabort = () => fail(t.error);
  });
}

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });

afterEach(() => setPartSizes());

describe('values stored in parts', () => {
  it('read back whole: nested typed arrays of every size and kind, small ones inside the value', async () => {
    setPartSizes({ from: 64, part: 100 });
    const db = await open();
    const value = {
      phase: 'knn',
      small: new Int32Array([1, 2, 3]),
      heaps: { indices: Int32Array.from({ length: 1000 }, (_, i) => i * 7), distances: Float32Array.from({ length: 999 }, (_, i) => i / 3) },
      list: [new Float64Array(77).fill(0.5), null, 4],
    };
    await tx(db, 'readwrite', (s) => putWithParts(s, 'cp:a:1', value));
    const keys = await tx(db, 'readonly', (s) => req(s.getAllKeys(partRange('cp:a:1'))));
    expect(keys.length).toBeGreaterThan(40);
    const back = await tx(db, 'readonly', async (s) => readWithParts(s, 'cp:a:1', await req(s.get('cp:a:1'))));
    expect(back).toEqual(value);
  });

  it("stores shared memory (the pool's candidates) as plain copies, small ones and parts alike", async () => {
    setPartSizes({ from: 64, part: 100 });
    const db = await open();
    const shared = (n: number) => {
      const a = new Int32Array(new SharedArrayBuffer(4 * n));
      for (let i = 0; i < n; i++) a[i] = i * 3 - 7;
      return a;
    };
    const value = { fresh: shared(1000), thresholds: shared(5) };
    await tx(db, 'readwrite', (s) => putWithParts(s, 'cp:sab', value));
    const stored = await tx(db, 'readonly', (s) => req(s.get('cp:sab')));
    expect((stored as { thresholds: Int32Array }).thresholds.buffer).toBeInstanceOf(ArrayBuffer);
    const back = await tx(db, 'readonly', async (s) => readWithParts(s, 'cp:sab', await req(s.get('cp:sab'))));
    expect(back).toEqual({ fresh: Int32Array.from(value.fresh), thresholds: Int32Array.from(value.thresholds) });
  });

  it('a value written again with fewer parts leaves none of the old ones, and a missing part reads as no value', async () => {
    setPartSizes({ from: 16, part: 16 });
    const db = await open();
    await tx(db, 'readwrite', (s) => putWithParts(s, 'k', { a: new Float32Array(100) }));
    await tx(db, 'readwrite', (s) => putWithParts(s, 'k', { a: new Float32Array(10).fill(2) }));
    expect((await tx(db, 'readonly', (s) => req(s.getAllKeys(partRange('k'))))).length).toBe(3);
    expect(await tx(db, 'readonly', async (s) => readWithParts(s, 'k', await req(s.get('k'))))).toEqual({ a: new Float32Array(10).fill(2) });
    await tx(db, 'readwrite', (s) => s.delete('part:k|000001'));
    expect(await tx(db, 'readonly', async (s) => readWithParts(s, 'k', await req(s.get('k'))))).toBeUndefined();
  });

  it('partsUnder covers a base, the steps on it and nothing of another base', async () => {
    setPartSizes({ from: 16, part: 16 });
    const db = await open();
    await tx(db, 'readwrite', (s) => {
      putWithParts(s, 'cp:j:00000001', { a: new Int32Array(20) });
      putWithParts(s, 'cp:j:00000001:d:00000000', { a: new Int32Array(20) });
      putWithParts(s, 'cp:j:00000002', { a: new Int32Array(20) });
    });
    await tx(db, 'readwrite', (s) => s.delete(partsUnder('cp:j:00000001')));
    const left = (await tx(db, 'readonly', (s) => req(s.getAllKeys()))).map(String).filter((k) => k.startsWith('part:'));
    expect(left.every((k) => k.startsWith('part:cp:j:00000002|'))).toBe(true);
    expect(left.length).toBe(5);
  });
});
