// The map a model job was given (a precomputed map; key given:<id> in the jobs store, layout in
// job-store.ts): the page writes it when the job is submitted and reads it back when the job starts
// without it in memory (after a reload, or from another tab). The job's result (res:<id>) is the same map.
import { jobSideRecord } from './job-side-record';

const given = jobSideRecord('given', (v): v is Float32Array => v instanceof Float32Array);

export const putGivenMap = given.put;
export const getGivenMap = given.get;
export const clearGivenMap = given.clear;
