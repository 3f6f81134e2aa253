/** A metadata column kept next to the vectors: numbers when every value is numeric, else strings. */
export interface MetaColumn {
  name: string;
  values: string[] | Float64Array;
}

/** A map that came with the file (its own coordinate columns, or an (n, 2) / (n, 3) array). */
export interface Coords {
  /** Row-major n × dim float32. */
  data: Float32Array;
  dim: 2 | 3;
  /** The columns it was read from, in axis order (c0, c1 for an array). */
  columns: string[];
  /** The file holds no other vectors: the dataset's vectors are these same coordinates, so Run would embed them as 2-D data. */
  alsoData: boolean;
  /** Whole cluster ids (-1 noise) from a `cluster` column beside the map (our own CSV export writes one). */
  clusters?: Int32Array;
}

/** A parsed embedding table: row-major n × d float32 matrix plus per-row labels and metadata. */
export interface Dataset {
  data: Float32Array;
  n: number;
  d: number;
  labels?: string[];
  labelName?: string;
  /** Names of the d vector columns (synthesised as c0…c{d-1} for formats without a header). */
  columns: string[];
  fileName: string;
  /** Every non-vector column (labels included), for tooltips and colouring. */
  metadata?: MetaColumn[];
  /** Non-fatal findings (identical rows, zero-variance columns, dropped rows). */
  warnings?: string[];
  /** Rows equal to an earlier row (by a 64-bit hash of their values). */
  duplicates?: number;
  /** Bad rows skipped because the user asked to drop them. */
  droppedRows?: number;
  /** For JSON/Parquet: the field used as the vector, and the other fields that could be. */
  vectorField?: string;
  vectorCandidates?: string[];
  /** Format id (npy, npz, csv, tsv, json, jsonl, parquet, arrow, projector); a .gz file has the id of what it holds. */
  format?: string;
  /** The map the file carries, taken out of the vector (see src/io/coords-rule.ts). */
  coords?: Coords;
  /** The shared wasm Memory that data is a view of (cross-origin isolated ingest), so a job reads it in place. */
  memory?: WebAssembly.Memory;
}

/** 1-D per-row labels read from their own file (e.g. a labels .npy next to a vectors .npy). */
export interface LabelColumn {
  labels: string[];
  fileName: string;
}

/** Progress of a parse, in bytes of the file read and rows accepted so far. */
export interface ParseProgress {
  fileName: string;
  bytes: number;
  totalBytes: number;
  rows: number;
}

/** What the preview step shows before the whole file is read. */
export interface PreviewInfo {
  fileName: string;
  format: string;
  /** The first rows as the file's own cells (vector values abbreviated). */
  columns: string[];
  rows: string[][];
  d: number;
  vectorColumns: string[];
  vectorField?: string;
  vectorCandidates?: string[];
  metaColumns: string[];
  /** Known up front for .npy and Parquet; otherwise estimated from the bytes per row so far. */
  rowsKnown?: number;
  rowsEstimate?: number;
  delimiter?: string;
  header?: boolean;
  /** A map found in the file; vectorColumns and d then describe what is left as the vector. */
  coords?: { columns: string[]; dim: 2 | 3; alsoData: boolean };
}

export const DEFAULT_MAX_DIM = 16_384;

/** Choices the user (or the bench's flags) can make about how a file is read. */
export interface IngestOptions {
  /** Skip ragged / non-numeric / NaN / Inf rows instead of stopping at them. Default: stop. */
  dropBadRows?: boolean;
  /** Largest vector dimension accepted (default 16,384): a guard against reading the wrong axis. */
  maxDim?: number;
  /** CSV/TSV overrides of what is detected. */
  delimiter?: string;
  header?: boolean;
  /** JSON/Parquet/Arrow: the field that holds the vector; .npz: the key of the array. */
  vectorField?: string;
  /** Put the vectors in a growable shared WebAssembly.Memory (cross-origin isolated pages). */
  sharedMemory?: boolean;
  /**
   * Fewest rows the file must hold (default 2, the least a map can be fitted on). Points added to a
   * finished map may come one at a time, so "Add points" reads with 1.
   */
  minRows?: number;
  onProgress?(p: ParseProgress): void;
  onPreview?(p: PreviewInfo): void;
}

/**
 * A problem with the user's file. The message is shown to the user as is, so it names the file's
 * own terms (row, column, dtype); row is 1-based over data rows, column is the column's name or 1-based index.
 * badRows is set when the problem is confined to rows that could be dropped instead.
 */
/**
 * The offending row of a text table, as the file has it, so the preview can show the line with the
 * bad cell marked: the first rows shown rarely include it.
 */
export interface BadRecord {
  /** 1-based data row, and 1-based line of the file (they differ by the header and quoted newlines). */
  row: number;
  line: number;
  /** The header's names (or c0, c1… without one), and the row's own fields. */
  columns: string[];
  cells: string[];
  /** Index into `cells` of the bad value; absent when the whole row is wrong (ragged). */
  column?: number;
}

interface IngestErrorOptions {
  row?: number;
  column?: string;
  badRows?: number;
  record?: BadRecord;
}

export class IngestError extends Error {
  readonly row?: number;
  readonly column?: string;
  readonly badRows?: number;
  readonly record?: BadRecord;
  constructor(message: string, opts: IngestErrorOptions = {}) {
    super(message);
    this.name = 'IngestError';
    if (opts.row !== undefined) this.row = opts.row;
    if (opts.column !== undefined) this.column = opts.column;
    if (opts.badRows !== undefined) this.badRows = opts.badRows;
    if (opts.record !== undefined) this.record = opts.record;
  }
}

/** The plain-data shape of an IngestError, which is what survives a Worker boundary. */
export interface IngestErrorInfo {
  message: string;
  row?: number;
  column?: string;
  badRows?: number;
  record?: BadRecord;
}

export function toErrorInfo(err: unknown): IngestErrorInfo {
  if (err instanceof IngestError) {
    const info: IngestErrorInfo = { message: err.message };
    if (err.row !== undefined) info.row = err.row;
    if (err.column !== undefined) info.column = err.column;
    if (err.badRows !== undefined) info.badRows = err.badRows;
    if (err.record !== undefined) info.record = err.record;
    return info;
  }
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}
