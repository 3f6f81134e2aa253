import type { MetaColumn } from '../io/dataset';

/** The rows and columns one export writes: coordinates first, then cluster and batch, then chosen metadata. */
export interface ExportTable {
  /** Row-major n × nComponents, the coordinates exactly as the app holds them. */
  coords: Float32Array;
  nComponents: number;
  /** Rows to write (indices into coords), or null for all of them, in order. */
  rows: Uint32Array | null;
  /** Cluster id per point (-1 noise), or null when there is no clustering. */
  clusters: Int32Array | null;
  /** Batch per point (0: the fitted map, 1…: added batches), or absent/null on a map without added points. */
  batch?: Uint16Array | null;
  meta: MetaColumn[];
}

const AXES = ['x', 'y', 'z'];

export function rowCount(t: ExportTable): number {
  return t.rows ? t.rows.length : t.coords.length / t.nComponents;
}

export function rowIndex(t: ExportTable, r: number): number {
  return t.rows ? t.rows[r]! : r;
}

/** Column names as written; metadata names that collide with the fixed ones get a suffix. */
export function columnNames(t: ExportTable): string[] {
  const names = AXES.slice(0, t.nComponents);
  if (t.clusters) names.push('cluster');
  if (t.batch) names.push('batch');
  for (const m of t.meta) {
    let name = m.name;
    while (names.includes(name)) name += '_';
    names.push(name);
  }
  return names;
}

export function validateTable(t: ExportTable): void {
  const n = t.coords.length / t.nComponents;
  if (!Number.isInteger(n)) throw new Error(`Coordinates do not divide into rows of ${t.nComponents}.`);
  if (t.clusters && t.clusters.length !== n) throw new Error(`Cluster ids cover ${t.clusters.length} points but the map has ${n}.`);
  if (t.batch && t.batch.length !== n) throw new Error(`Batch numbers cover ${t.batch.length} points but the map has ${n}.`);
  for (const m of t.meta) if (m.values.length !== n) throw new Error(`Column ${m.name} has ${m.values.length} values but the map has ${n} points.`);
  if (t.rows) for (const r of t.rows) if (r >= n) throw new Error(`Row ${r} is outside the map (${n} points).`);
}
