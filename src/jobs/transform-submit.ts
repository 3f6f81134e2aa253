// A transform job's record, and the checks a batch must pass before it is queued: the page knows the
// parent's state and shape, so these fail at once with a message instead of as a failed job.
import type { JobRows } from './job-protocol';
import { EMPTY_BATCH, dimensionMismatch } from './transform-messages';
import type { JobRecord } from './job-store';
import { newRecord } from './job-state-record';
import type { JobFacts } from './job-state-view';
import type { JobSettings } from './settings';

export function transformRecord(
  parent: JobFacts | null,
  parentId: string,
  rows: JobRows,
  meta: { name: string },
  at: { id: string; order: number; owner: string; settings: JobSettings },
): JobRecord {
  if (!parent || (parent.rec.kind ?? 'fit') !== 'fit') throw new Error(`There is no map ${parentId} to add points to.`);
  if (parent.rec.state !== 'completed') throw new Error('Points can be added to a finished map only; this one has not finished.');
  if (parent.immediate || parent.noCheckpoints) throw new Error('This map was not saved to the browser (it ran without storage), so it keeps no model to add points to; run it again.');
  if (!(rows.n > 0)) throw new Error(EMPTY_BATCH);
  if (rows.d !== parent.rec.d) throw new Error(dimensionMismatch(rows.d, parent.rec.d));
  const rec = newRecord(rows, {}, { name: meta.name }, at);
  rec.kind = 'transform';
  rec.parent = parentId;
  return rec;
}
