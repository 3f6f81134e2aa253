// What a transform job's batch is called and the metadata its rows came with (key tmeta:<id>, layout in
// job-store.ts). The page writes it before the job's record, so a transform that lands after a reload
// (or in another tab) still lands under its name with its columns; the job Worker never reads it.
import type { MetaColumn } from '../io/dataset';
import { jobSideRecord } from './job-side-record';

export interface BatchMeta {
  /** The batch's name on the map (its file's). */
  name: string;
  /** One column per metadata field of the new rows (labels included), each m values long. */
  metadata: MetaColumn[];
}

const isBatchMeta = (r: unknown): r is BatchMeta => !!r && typeof (r as BatchMeta).name === 'string' && Array.isArray((r as BatchMeta).metadata);
const meta = jobSideRecord('tmeta', isBatchMeta);

export const putBatchMeta = meta.put;
export const getBatchMeta = meta.get;
export const clearBatchMeta = meta.clear;
