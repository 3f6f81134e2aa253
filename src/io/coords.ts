// A file that carries its own map (x/y, umap_1/umap_2… columns, or an (n, 2) array): the columns
// come out of the vector into `Dataset.coords`, so the map opens as it is and the rest of the file
// stays vectors and metadata as usual.
import { planCoords, type CoordPlan } from './coords-rule';
import { IngestError, type Coords, type Dataset, type MetaColumn, type PreviewInfo } from './dataset';
import { applyLabelColumn } from './vector-sink';

/** Formats whose columns have no names: a 2- or 3-column array there is a map or 2-D data, undecidable. */
const UNNAMED = new Set(['npy', 'npz']);

function arrayPlan(ds: { format?: string; d: number; columns: string[] }): CoordPlan | null {
  if (!UNNAMED.has(ds.format ?? '') || (ds.d !== 2 && ds.d !== 3)) return null;
  return { columns: ds.columns, dim: ds.d, toMeta: [], vector: ds.columns, alsoData: true };
}

function planOf(ds: Dataset): CoordPlan | null {
  return arrayPlan(ds) ?? planCoords(ds.columns, ds.metadata?.map((m) => m.name) ?? [], ds.vectorField !== undefined);
}

/** The preview's account of a map in the file, with the map's columns out of the vector line. */
export function previewCoords(p: PreviewInfo): PreviewInfo {
  const plan = arrayPlan({ format: p.format, d: p.d, columns: p.vectorColumns }) ?? planCoords(p.vectorColumns, p.metaColumns, p.vectorField !== undefined);
  if (!plan) return p;
  const moved = new Set([...plan.columns, ...plan.toMeta]);
  const out: PreviewInfo = { ...p, coords: { columns: plan.columns, dim: plan.dim, alsoData: plan.alsoData } };
  if (!plan.alsoData && p.vectorField === undefined) {
    out.vectorColumns = plan.vector;
    out.d = plan.vector.length;
    out.metaColumns = [...p.metaColumns.filter((c) => !moved.has(c)), ...plan.toMeta];
  } else if (plan.alsoData && !UNNAMED.has(p.format)) {
    out.vectorColumns = plan.columns;
    out.d = plan.dim;
    out.metaColumns = [...p.metaColumns.filter((c) => !plan.columns.includes(c)), ...plan.toMeta];
  }
  return out;
}

type Getter = (i: number) => number | string;

/** One column's values by row, from the vectors or the metadata. */
function getter(ds: Dataset, name: string): Getter {
  // A list column's components are unnamed, except an array's (npy, npz), which is all vector.
  const j = ds.vectorField === undefined || UNNAMED.has(ds.format ?? '') ? ds.columns.indexOf(name) : -1;
  if (j >= 0) return (i) => ds.data[i * ds.d + j]!;
  const col = ds.metadata!.find((m) => m.name === name)!;
  return (i) => col.values[i]!;
}

/** A coordinate as a finite number, or an error naming the row and the column. */
function coordinate(ds: Dataset, v: number | string, row: number, column: string): number {
  const x = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (Number.isFinite(x)) return x;
  const what =
    typeof v === 'string' && v.trim() !== '' && Number.isNaN(x) && !/^[+-]?nan$/i.test(v.trim())
      ? `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}', not a number`
      : typeof v === 'string' && v.trim() === ''
        ? 'empty'
        : Number.isNaN(x)
          ? 'NaN (or empty)'
          : 'infinite';
  throw new IngestError(`${ds.fileName}: row ${row}, column '${column}' is ${what}; the map's coordinates must be finite numbers.`, { row, column });
}

/** Whole ids ≥ -1 (-1 noise) in every row, or null: then the column is ordinary metadata. */
function clusterIds(ds: Dataset, name: string): Int32Array | null {
  const get = getter(ds, name);
  const out = new Int32Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    const v = get(i);
    const x = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(x) || x < -1) return null;
    out[i] = x;
  }
  return out;
}

/** Keep only the vector columns `keep` (indices, ascending), moving rows forward in place so shared memory stays shared. */
function compactRows(data: Float32Array, n: number, d: number, keep: number[]): Float32Array {
  const k = keep.length;
  const row = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) row[c] = data[i * d + keep[c]!]!;
    data.set(row, i * k);
  }
  return data.subarray(0, n * k);
}

function numericColumn(ds: Dataset, name: string): MetaColumn {
  const get = getter(ds, name);
  return { name, values: Float64Array.from({ length: ds.n }, (_, i) => Number(get(i))) };
}

/**
 * Take the map out of a parsed dataset: `coords` holds it (n × dim), the vectors keep only what is
 * not the map (or are the map's own columns when the file holds nothing else), and other
 * projections and a cluster column become metadata. A dataset without a map is returned as it is.
 */
export function extractCoords(ds: Dataset): Dataset {
  const plan = planOf(ds);
  if (!plan) return ds;
  const { n, dim } = { n: ds.n, dim: plan.dim };
  const data = new Float32Array(n * dim);
  const gets = plan.columns.map((c) => getter(ds, c));
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) data[i * dim + c] = coordinate(ds, gets[c]!(i), i + 1, plan.columns[c]!);
  const coords: Coords = { data, dim, columns: plan.columns, alsoData: plan.alsoData };
  const clusters = plan.cluster !== undefined ? clusterIds(ds, plan.cluster) : null;
  if (clusters) coords.clusters = clusters;

  const gone = new Set([...plan.columns, ...(clusters ? [plan.cluster!] : [])]);
  const moved = plan.toMeta.filter((c) => !gone.has(c)).map((c) => numericColumn(ds, c));
  const metadata = [...(ds.metadata ?? []).filter((m) => !gone.has(m.name)), ...moved];
  const out: Dataset = { ...ds, coords };
  if (metadata.length > 0) out.metadata = metadata;
  else delete out.metadata;

  if (plan.alsoData && !UNNAMED.has(ds.format ?? '')) {
    // The map's columns are all the numeric data: Run may still embed them, from the same array.
    out.data = data;
    out.d = dim;
    out.columns = plan.columns;
    delete out.memory;
  } else if (!plan.alsoData && ds.vectorField === undefined && plan.vector.length !== ds.d) {
    const keep = plan.vector.map((c) => ds.columns.indexOf(c));
    out.data = compactRows(ds.data, n, ds.d, keep);
    out.d = keep.length;
    out.columns = plan.vector;
  }
  const label = ds.labelName !== undefined && metadata.some((m) => m.name === ds.labelName) ? ds.labelName : undefined;
  return applyLabelColumn(out, label);
}
