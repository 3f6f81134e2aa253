/** A parsed embedding table: row-major n × d float32 matrix plus optional per-row labels. */
export interface Dataset {
  data: Float32Array;
  n: number;
  d: number;
  labels?: string[];
  labelName?: string;
  /** Names of the d vector columns (synthesised as c0…c{d-1} for formats without a header). */
  columns: string[];
  fileName: string;
}

/** 1-D per-row labels read from their own file (e.g. a labels .npy next to a vectors .npy). */
export interface LabelColumn {
  labels: string[];
  fileName: string;
}

/**
 * A problem with the user's file. The message is shown to the user as is, so it names the file's
 * own terms (row, column, dtype); row is 1-based over data rows, column is the column's name or 1-based index.
 */
export class IngestError extends Error {
  readonly row?: number;
  readonly column?: string;
  constructor(message: string, opts: { row?: number; column?: string } = {}) {
    super(message);
    this.name = 'IngestError';
    if (opts.row !== undefined) this.row = opts.row;
    if (opts.column !== undefined) this.column = opts.column;
  }
}

/** The plain-data shape of an IngestError, which is what survives a Worker boundary. */
export interface IngestErrorInfo {
  message: string;
  row?: number;
  column?: string;
}

export function toErrorInfo(err: unknown): IngestErrorInfo {
  if (err instanceof IngestError) {
    const info: IngestErrorInfo = { message: err.message };
    if (err.row !== undefined) info.row = err.row;
    if (err.column !== undefined) info.column = err.column;
    return info;
  }
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}
