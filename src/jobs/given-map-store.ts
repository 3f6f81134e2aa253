// The map a model job was given (a precomputed map; key given:<id> in the jobs store, layout in
// job-store.ts): the page writes it when the job is submitted and reads it back when the job starts
// without it in memory (after a reload, or from another tab). The job's result (res:<id>) is the same map.
import { jobSideRecord } from './job-side-record';

const given = jobSideRecord('given', (v): v is Float32Array => v instanceof Float32Array);

export const putGivenMap = given.put;
const getGivenMap = given.get;
export const clearGivenMap = given.clear;

/** A model job's given map: from this tab's memory (`held`), else from the store. */
export async function givenMapOf(id: string, held: ReadonlyMap<string, Float32Array>): Promise<Float32Array> {
  const inMemory = held.get(id);
  if (inMemory) return inMemory;
  const stored = await getGivenMap(id).catch(() => null);
  if (!stored) throw new Error('The map this job indexes is no longer stored; open its file again and prepare it for adding points again.');
  return stored;
}
