// A model job's record, and the checks its rows and map must pass before it is queued: a precomputed
// map whose file also holds the vectors becomes a map points can be added to, once a kNN-only pass
// over those vectors has built the model (job-run.ts with FitStart.map). The checks fail at once with
// a message instead of as a failed job.
import { resolveParams } from '../engine/params';
import type { UmapParams } from '../engine/types';
import type { Categories } from '../io';
import type { JobRows } from './job-protocol';
import type { JobRecord, Priority } from './job-store';
import { newRecord } from './job-state-record';
import type { JobSettings } from './settings';

/** What the jobs panel calls a model job. */
function modelJobName(mapName: string): string {
  return `Index ${mapName} for adding points`;
}

export interface ModelMeta {
  /** The map's name (its file's). */
  name: string;
  priority?: Priority;
  categories?: Categories | null;
  labelName?: string;
}

export function modelRecord(
  rows: JobRows,
  coords: Float32Array,
  nComponents: number,
  meta: ModelMeta,
  params: Partial<UmapParams>,
  at: { id: string; order: number; owner: string; settings: JobSettings },
): JobRecord {
  if (nComponents !== 2 && nComponents !== 3) throw new Error(`A map has 2 or 3 coordinates per point, not ${nComponents}.`);
  if (!(rows.n > 0) || !(rows.d > 0)) throw new Error('The map has no vectors to index; points can be added only to a map whose file also holds its vectors.');
  if (coords.length !== rows.n * nComponents)
    throw new Error(`The map has ${coords.length} coordinates, but its ${rows.n} vectors need ${rows.n} × ${nComponents} = ${rows.n * nComponents}.`);
  const withMap: Partial<UmapParams> = { ...params, nComponents: nComponents === 3 ? 3 : 2 };
  // The engine's own checks (n_neighbors against the number of points…), before any Worker starts.
  resolveParams(withMap, rows.n);
  const rec = newRecord(
    rows,
    withMap,
    { name: modelJobName(meta.name), priority: meta.priority ?? 'normal', categories: meta.categories ?? null, ...(meta.labelName !== undefined ? { labelName: meta.labelName } : {}) },
    at,
  );
  rec.knnOnly = true;
  return rec;
}
