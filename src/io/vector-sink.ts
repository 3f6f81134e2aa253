import { DEFAULT_MAX_DIM, IngestError, type Dataset, type IngestOptions, type MetaColumn } from './dataset';
import { createRowStorage, type RowStorage } from './row-storage';

export type MetaValue = string | number | boolean | null | undefined;

export interface SinkOptions {
  fileName: string;
  format: string;
  maxDim?: number;
  dropBadRows?: boolean;
  sharedMemory?: boolean;
  minRows?: number;
  totalBytes?: number;
  onProgress?: IngestOptions['onProgress'];
}

/** The sink options for one file under the user's ingest options. */
export function sinkOptions(fileName: string, format: string, totalBytes: number, o: IngestOptions): SinkOptions {
  const s: SinkOptions = { fileName, format, totalBytes };
  if (o.maxDim !== undefined) s.maxDim = o.maxDim;
  if (o.dropBadRows !== undefined) s.dropBadRows = o.dropBadRows;
  if (o.sharedMemory !== undefined) s.sharedMemory = o.sharedMemory;
  if (o.minRows !== undefined) s.minRows = o.minRows;
  if (o.onProgress) s.onProgress = o.onProgress;
  return s;
}

/** Storage sized from a declared row count is allocated up to this much even for a small file. */
const PREALLOC_FLOOR = 1 << 26;

/**
 * Every parser writes rows here: it fixes the dimension, checks each row (finite values), keeps the
 * metadata cells, counts duplicates and per-column ranges, and collects bad rows so that one pass can
 * either stop with "row R … (and N bad rows in all)" or drop them on request.
 */
export class VectorSink {
  d = -1;
  rows = 0;
  private storage: RowStorage | null = null;
  private firstBad: IngestError | null = null;
  private badCount = 0;
  private metaNames: string[] = [];
  private meta: MetaValue[][] = [];
  private readonly seen = new Set<number>();
  private duplicates = 0;
  private min: Float32Array | null = null;
  private max: Float32Array | null = null;
  private readonly maxDim: number;

  constructor(
    private readonly opts: SinkOptions,
    private readonly expectedRows?: number,
  ) {
    this.maxDim = opts.maxDim ?? DEFAULT_MAX_DIM;
  }

  get fileName(): string {
    return this.opts.fileName;
  }

  /** Fix the vector dimension (from a header, a shape or the first row). */
  begin(d: number, where = ''): void {
    const f = this.opts.fileName;
    if (d === 0) throw new IngestError(`${f}: the vectors have no values${where}.`);
    if (d > this.maxDim)
      throw new IngestError(
        `${f}: the vectors have ${d} dimensions${where}, above the limit of ${this.maxDim}. If that is right, raise the dimension limit; otherwise the file may be transposed.`,
      );
    this.d = d;
    this.storage = createRowStorage(d, this.opts.sharedMemory ?? false, this.trustedRows(d));
    this.min = new Float32Array(d).fill(Infinity);
    this.max = new Float32Array(d).fill(-Infinity);
  }

  setMetaColumns(names: string[]): void {
    this.metaNames = names;
    this.meta = names.map(() => []);
  }

  /**
   * The row count a file declares (npy shape, Parquet footer) sizes the storage up front only while it
   * is plausible for the bytes the file really has: a 100-byte file claiming 10^12 rows must fail on
   * its missing bytes, not allocate for its claim. Past that the rows grow with what is really read.
   */
  private trustedRows(d: number): number | undefined {
    const rows = this.expectedRows;
    if (rows === undefined) return undefined;
    const plausible = Math.max(PREALLOC_FLOOR, 16 * (this.opts.totalBytes ?? 0));
    return rows * d * 4 <= plausible ? rows : undefined;
  }

  /** The place to write the next row's d values. */
  slot(): Float32Array {
    const expected = this.expectedRows;
    if (expected !== undefined && this.rows >= expected)
      throw new IngestError(`${this.opts.fileName} holds more rows than the ${expected} its header declares; the file is damaged.`, { row: this.rows + 1 });
    return this.storage!.slot(this.rows);
  }

  /**
   * Accept the row written into slot(), or record it as bad. srcRow is the 1-based data row in the
   * file, used in messages. Returns false when the row was rejected.
   */
  commit(srcRow: number, meta?: readonly MetaValue[], columnName?: (j: number) => string): boolean {
    const row = this.storage!.slot(this.rows);
    const d = this.d;
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let j = 0; j < d; j++) {
      const v = row[j]!;
      if (v - v !== 0) {
        const what = Number.isNaN(v) ? 'NaN' : 'an infinite value';
        const col = columnName ? `'${columnName(j)}'` : `${j + 1}`;
        this.bad(
          new IngestError(`${this.opts.fileName}: ${what} at row ${srcRow}, column ${col}; mapstream needs finite numbers.`, { row: srcRow, column: columnName?.(j) ?? String(j + 1) }),
        );
        return false;
      }
    }
    // Two independent 32-bit hashes of the bit patterns make a 53-bit key: collisions are negligible.
    const bits = new Int32Array(row.buffer, row.byteOffset, d);
    for (let j = 0; j < d; j++) {
      const b = bits[j]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ (b >>> 7), 0x5bd1e995) ^ (h2 >>> 13);
      const v = row[j]!;
      if (v < this.min![j]!) this.min![j] = v;
      if (v > this.max![j]!) this.max![j] = v;
    }
    const key = (h1 >>> 0) * 2097152 + ((h2 >>> 0) & 0x1fffff);
    if (this.seen.has(key)) this.duplicates++;
    else this.seen.add(key);
    if (meta) for (let k = 0; k < this.meta.length; k++) this.meta[k]!.push(meta[k]);
    this.rows++;
    return true;
  }

  /** Record a row that cannot be used (ragged, non-numeric…). Throws at once for file-level problems. */
  bad(err: IngestError): void {
    this.badCount++;
    this.firstBad ??= err;
  }

  get badRows(): number {
    return this.badCount;
  }

  finish(): Dataset {
    const f = this.opts.fileName;
    if (this.firstBad && !this.opts.dropBadRows) {
      const e = this.firstBad;
      const more = this.badCount > 1 ? ` ${this.badCount} rows in all have problems like this.` : '';
      throw new IngestError(`${e.message}${more}`, {
        ...(e.row !== undefined && { row: e.row }),
        ...(e.column !== undefined && { column: e.column }),
        ...(e.record !== undefined && { record: e.record }),
        badRows: this.badCount,
      });
    }
    if (this.rows === 0 || this.d < 0) throw new IngestError(this.badCount > 0 ? `${f}: every row is bad; nothing is left to map.` : `${f} has no data rows.`);
    if (this.rows === 1 && (this.opts.minRows ?? 2) > 1) throw new IngestError(`${f} has only 1 row; a map needs at least 2 points (and more than n_neighbors).`);
    const { data, memory } = this.storage!.finish(this.rows);
    const warnings: string[] = [];
    if (this.badCount > 0) warnings.push(`Dropped ${this.badCount} bad row${this.badCount === 1 ? '' : 's'} (first: ${this.firstBad!.message}).`);
    if (this.duplicates === this.rows - 1) warnings.push(`All ${this.rows} rows are identical; the map will be a single blob.`);
    else if (this.duplicates > 0)
      warnings.push(`${this.duplicates} row${this.duplicates === 1 ? ' repeats' : 's repeat'} an earlier row (fine for UMAP, but they will sit on top of each other).`);
    const flat: number[] = [];
    for (let j = 0; j < this.d; j++) if (this.min![j] === this.max![j]) flat.push(j);
    if (flat.length > 0 && this.duplicates !== this.rows - 1)
      warnings.push(
        `${flat.length} column${flat.length === 1 ? ' has' : 's have'} the same value in every row (zero variance): ${flat
          .slice(0, 8)
          .map((j) => j + 1)
          .join(', ')}${flat.length > 8 ? '…' : ''}.`,
      );
    const ds: Dataset = {
      data,
      n: this.rows,
      d: this.d,
      columns: Array.from({ length: this.d }, (_, j) => `c${j}`),
      fileName: f,
      format: this.opts.format,
      duplicates: this.duplicates,
      warnings,
    };
    if (memory) ds.memory = memory;
    if (this.badCount > 0) ds.droppedRows = this.badCount;
    if (this.metaNames.length > 0) ds.metadata = this.metaNames.map((name, k) => toMetaColumn(name, this.meta[k]!));
    return applyLabelColumn(ds);
  }

  private lastReport = 0;

  /** Throttled progress (about 10 per second) from the parser's byte position. */
  progress(bytes: number, force = false): void {
    const cb = this.opts.onProgress;
    if (!cb) return;
    const now = Date.now();
    if (!force && now - this.lastReport < 100) return;
    this.lastReport = now;
    cb({ fileName: this.opts.fileName, bytes, totalBytes: this.opts.totalBytes ?? bytes, rows: this.rows });
  }
}

const NUMERIC_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Numbers when every non-empty value is numeric (CSV cells arrive as text), otherwise strings. */
export function toMetaColumn(name: string, values: MetaValue[]): MetaColumn {
  let numeric = values.length > 0;
  let any = false;
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue;
    any = true;
    if (typeof v === 'number') continue;
    if (typeof v === 'string' && NUMERIC_RE.test(v)) continue;
    numeric = false;
    break;
  }
  if (numeric && any) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined || v === '' ? NaN : Number(v);
    }
    return { name, values: out };
  }
  return { name, values: values.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))) };
}

const LABEL_NAMES = ['label', 'labels', 'class', 'category', 'target', 'y'];

/** A numeric row id (our exports' `index`, an `id`, pandas' index): never what a map is coloured by. */
const isNumericRowId = (m: MetaColumn) => m.values instanceof Float64Array && /^(id|index|__index_level_\d+__)$/i.test(m.name);

/** The metadata column to colour by: a conventionally named one, else the only text column, else the only column besides numeric row ids. */
function pickLabelColumn(meta: MetaColumn[] | undefined): MetaColumn | undefined {
  if (!meta || meta.length === 0) return undefined;
  for (const name of LABEL_NAMES) {
    const c = meta.find((m) => m.name.toLowerCase() === name);
    if (c) return c;
  }
  const text = meta.filter((m) => Array.isArray(m.values));
  if (text.length === 1) return text[0];
  // A numeric row id (an export's `index`) is never the label: beside one other column, that one is.
  const rest = meta.filter((m) => !isNumericRowId(m));
  if (rest.length === 1) return rest[0];
  return undefined;
}

function labelsOf(col: MetaColumn): string[] {
  return Array.isArray(col.values) ? col.values : Array.from(col.values, (v) => (Number.isNaN(v) ? '' : String(v)));
}

/** Set labels/labelName from the chosen (or detected) metadata column. */
export function applyLabelColumn(ds: Dataset, name?: string | null): Dataset {
  const col = name === null ? undefined : name !== undefined ? ds.metadata?.find((m) => m.name === name) : pickLabelColumn(ds.metadata);
  const out = { ...ds };
  delete out.labels;
  delete out.labelName;
  if (col) {
    out.labels = labelsOf(col);
    out.labelName = col.name;
  }
  return out;
}
