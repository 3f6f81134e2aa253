// A value kept beside a job's record under `<prefix>:<id>` in the jobs store (layout in job-store.ts):
// the page writes it before the job's record, reads it back when the job runs or lands without it in
// memory (after a reload, or in another tab), and deleteJob removes it with the job.
import { promisifyRequest } from 'idb-keyval';
import { db } from './jobs-db';

export interface JobSideRecord<T> {
  put(id: string, value: T): Promise<void>;
  /** The stored value, or null when there is none or it is not of the expected shape. */
  get(id: string): Promise<T | null>;
  /** Delete it within the caller's transaction (deleteJob's). */
  clear(s: IDBObjectStore, id: string): void;
}

export function jobSideRecord<T>(prefix: string, valid: (v: unknown) => v is T): JobSideRecord<T> {
  const key = (id: string) => `${prefix}:${id}`;
  return {
    put: (id, value) =>
      db()('readwrite', (s) => {
        s.put(value, key(id));
        return promisifyRequest(s.transaction);
      }),
    get: async (id) => {
      const r = await db()('readonly', (s) => promisifyRequest(s.get(key(id)) as IDBRequest<unknown>));
      return valid(r) ? r : null;
    },
    clear: (s, id) => s.delete(key(id)),
  };
}
