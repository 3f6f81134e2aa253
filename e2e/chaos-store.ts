// What the chaos suite reads of IndexedDB: every key of the jobs database with a digest of its value,
// and the job records' id, state and dataset key, in one read-only transaction straight from the
// store (not through the app), so a change the app did not mean to make shows.
import type { Page } from '@playwright/test';

interface StoreRecord {
  id: string;
  state: string;
  datasetKey: string | null;
}

export interface StoreSnapshot {
  /** key → SHA-256 of a canonical encoding of the value (typed arrays by their bytes). */
  hashes: Map<string, string>;
  records: StoreRecord[];
}

export async function readStore(page: Page): Promise<StoreSnapshot> {
  const raw = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('mapstream-jobs');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const { keys, values } = await new Promise<{ keys: IDBValidKey[]; values: unknown[] }>((resolve, reject) => {
      // One transaction: keys and values are read from the same state of the store.
      const tx = db.transaction('kv');
      const kv = tx.objectStore('kv');
      const k = kv.getAllKeys();
      const v = kv.getAll();
      tx.oncomplete = () => resolve({ keys: k.result, values: v.result });
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    const enc = new TextEncoder();
    // Canonical bytes: object keys sorted, typed arrays as their own bytes, so equal values hash equal.
    const encode = (x: unknown, out: Uint8Array[]): void => {
      if (ArrayBuffer.isView(x)) {
        out.push(enc.encode(`<${x.constructor.name}:${x.byteLength}>`), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      } else if (x instanceof ArrayBuffer) {
        out.push(enc.encode(`<ab:${x.byteLength}>`), new Uint8Array(x));
      } else if (Array.isArray(x)) {
        out.push(enc.encode('['));
        for (const e of x) encode(e, out);
        out.push(enc.encode(']'));
      } else if (x !== null && typeof x === 'object') {
        out.push(enc.encode('{'));
        for (const key of Object.keys(x).sort()) {
          out.push(enc.encode(`${JSON.stringify(key)}:`));
          encode((x as Record<string, unknown>)[key], out);
        }
        out.push(enc.encode('}'));
      } else out.push(enc.encode(`${typeof x}:${String(x)};`));
    };
    const hashes: [string, string][] = [];
    const records: { id: string; state: string; datasetKey: string | null }[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = String(keys[i]);
      const parts: Uint8Array[] = [];
      encode(values[i], parts);
      const all = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.byteLength;
      }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      hashes.push([key, Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')]);
      if (key.startsWith('job:')) {
        const r = values[i] as { id: string; state: string; datasetKey: string | null };
        records.push({ id: r.id, state: r.state, datasetKey: r.datasetKey });
      }
    }
    return { hashes, records };
  });
  return { hashes: new Map(raw.hashes), records: raw.records };
}

/** The keys that belong to job `id` alone: its record, result, model, checkpoints and references. */
export function keysOfJob(keys: Iterable<string>, id: string): string[] {
  return [...keys].filter((k) => k.includes(id));
}

/** The keys of a stored dataset: its manifest `ds:<key>` and its chunks `ds:<key>:<i>`. */
export function keysOfDataset(keys: Iterable<string>, datasetKey: string): string[] {
  return [...keys].filter((k) => k === `ds:${datasetKey}` || k.startsWith(`ds:${datasetKey}:`));
}

/**
 * Datasets no job refers to: a manifest with neither a `dsref:<key>:<job>` nor a record whose
 * datasetKey is it.
 */
export function orphanDatasets(s: StoreSnapshot): string[] {
  const keys = [...s.hashes.keys()];
  const manifests = keys.filter((k) => k.startsWith('ds:') && k.indexOf(':', 3) < 0).map((k) => k.slice(3));
  const used = new Set(s.records.map((r) => r.datasetKey).filter((k): k is string => !!k));
  for (const k of keys) if (k.startsWith('dsref:')) used.add(k.slice('dsref:'.length, k.lastIndexOf(':')));
  return manifests.filter((m) => !used.has(m));
}
