// The map a model job was given (a precomputed map; key given:<id> in the jobs store, layout in
// job-store.ts): the page writes it when the job is submitted and reads it back when the job starts
// without it in memory (after a reload, or from another tab). The job's result (res:<id>) is the same map.
import { promisifyRequest } from 'idb-keyval';
import { db } from './jobs-db';

const givenKey = (id: string) => `given:${id}`;

export function putGivenMap(id: string, coords: Float32Array): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(coords, givenKey(id));
    return promisifyRequest(s.transaction);
  });
}

export async function getGivenMap(id: string): Promise<Float32Array | null> {
  const r = await db()('readonly', (s) => promisifyRequest(s.get(givenKey(id)) as IDBRequest<Float32Array | undefined>));
  return r instanceof Float32Array ? r : null;
}

/** Delete a job's given map within the caller's transaction (deleteJob's). */
export function clearGivenMap(s: IDBObjectStore, id: string): void {
  s.delete(givenKey(id));
}
