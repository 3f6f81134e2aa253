// What a transform job's batch is called and the metadata its rows came with (key tmeta:<id>, layout in
// job-store.ts). The page writes it before the job's record, so a transform that lands after a reload
// (or in another tab) still lands under its name with its columns; the job Worker never reads it.
import { promisifyRequest } from 'idb-keyval';
import type { MetaColumn } from '../io/dataset';
import { db } from './jobs-db';

export interface BatchMeta {
  /** The batch's name on the map (its file's). */
  name: string;
  /** One column per metadata field of the new rows (labels included), each m values long. */
  metadata: MetaColumn[];
}

const metaKey = (id: string) => `tmeta:${id}`;

export function putBatchMeta(id: string, meta: BatchMeta): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(meta, metaKey(id));
    return promisifyRequest(s.transaction);
  });
}

export async function getBatchMeta(id: string): Promise<BatchMeta | null> {
  const r = await db()('readonly', (s) => promisifyRequest(s.get(metaKey(id)) as IDBRequest<BatchMeta | undefined>));
  return r && typeof r.name === 'string' && Array.isArray(r.metadata) ? r : null;
}

/** Delete a job's batch metadata within the caller's transaction (deleteJob's). */
export function clearBatchMeta(s: IDBObjectStore, id: string): void {
  s.delete(metaKey(id));
}
