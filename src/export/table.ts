import type { MetaColumn } from '../io/dataset';

/**
 * The column that joins an export back to its source, written last (the columns before it keep their
 * places): the source row index (0-based,
 * an Int32Array; within its own batch on a map with added points) or a metadata column the user picked.
 */
export interface RowIdColumn {
  name: string;
  values: Int32Array | Float64Array | string[];
}

/** The rows and columns one export writes: coordinates, cluster and batch, the chosen metadata, then the row id. */
export interface ExportTable {
  /** The row id column; absent or null writes none. */
  id?: RowIdColumn | null;
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

/** The default row id: each point's row in the file it came from (its batch's file on a map with added points). */
export function sourceRowIds(n: number, batch: Uint16Array | null | undefined): Int32Array {
  const ids = new Int32Array(n);
  if (!batch) {
    for (let i = 0; i < n; i++) ids[i] = i;
    return ids;
  }
  const next = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const b = batch[i]!;
    const r = next.get(b) ?? 0;
    ids[i] = r;
    next.set(b, r + 1);
  }
  return ids;
}

export function rowCount(t: ExportTable): number {
  return t.rows ? t.rows.length : t.coords.length / t.nComponents;
}

export function rowIndex(t: ExportTable, r: number): number {
  return t.rows ? t.rows[r]! : r;
}

/** Column names as written; metadata names that collide with the fixed ones get a suffix. */
export function columnNames(t: ExportTable): string[] {
  // The id keeps its own name, as it is the join key: a column it collides with is renamed instead.
  const taken = t.id ? [t.id.name] : [];
  const names = AXES.slice(0, t.nComponents).map((a) => (taken.includes(a) ? `${a}_` : a));
  const add = (name: string) => {
    while (names.includes(name) || taken.includes(name)) name += '_';
    names.push(name);
  };
  if (t.clusters) add('cluster');
  if (t.batch) add('batch');
  for (const m of t.meta) add(m.name);
  if (t.id) names.push(t.id.name);
  return names;
}

export function validateTable(t: ExportTable): void {
  const n = t.coords.length / t.nComponents;
  if (!Number.isInteger(n)) throw new Error(`Coordinates do not divide into rows of ${t.nComponents}.`);
  if (t.clusters && t.clusters.length !== n) throw new Error(`Cluster ids cover ${t.clusters.length} points but the map has ${n}.`);
  if (t.batch && t.batch.length !== n) throw new Error(`Batch numbers cover ${t.batch.length} points but the map has ${n}.`);
  for (const m of t.meta) if (m.values.length !== n) throw new Error(`Column ${m.name} has ${m.values.length} values but the map has ${n} points.`);
  if (t.id && t.id.values.length !== n) throw new Error(`The row id column ${t.id.name} has ${t.id.values.length} values but the map has ${n} points.`);
  if (t.rows) for (const r of t.rows) if (r >= n) throw new Error(`Row ${r} is outside the map (${n} points).`);
}
