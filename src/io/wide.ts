import { IngestError, type Dataset, type IngestOptions, type PreviewInfo } from './dataset';
import { sinkOptions, VectorSink, type MetaValue } from './vector-sink';

/** Numeric columns with these names are ids or labels, not vector components (CSV and wide tables alike). */
const NOT_VECTOR = new Set(['label', 'labels', 'class', 'category', 'target', 'id', 'index']);

/**
 * True for a numeric column that still describes the row rather than being part of the vector:
 * the names above, and the index pandas stores with the frame (`__index_level_0__`).
 */
export function isMetadataName(name: string): boolean {
  return NOT_VECTOR.has(name.toLowerCase()) || /^__index_level_\d+__$/.test(name);
}

/** A column of a columnar file as the wide-layout rule sees it. */
export interface WideColumn {
  name: string;
  /** number: a vector candidate; text: metadata (strings, booleans, dates, categories); other: neither. */
  kind: 'number' | 'text' | 'other';
  /** The file's own name for the type, for messages. */
  type: string;
}

export interface WidePlan {
  vector: string[];
  meta: string[];
}

/**
 * The CSV rule for a columnar file with no list column: numeric scalar columns form the vector,
 * text-like columns and numeric ones named like ids or labels are metadata. A column that is
 * neither (binary, nested) cannot be placed, so it is refused rather than guessed at.
 */
export function planWide(fileName: string, cols: WideColumn[], listHint: string): WidePlan {
  const other = cols.filter((c) => c.kind === 'other');
  if (other.length > 0) {
    const c = other[0]!;
    throw new IngestError(
      `${fileName}: column '${c.name}' (${c.type}) is neither a number nor text. With no ${listHint} column, mapstream takes the numeric columns as the vector and text columns as metadata; drop '${c.name}' or store the vectors in a ${listHint} column.`,
      { column: c.name },
    );
  }
  const vector = cols.filter((c) => c.kind === 'number' && !isMetadataName(c.name)).map((c) => c.name);
  const meta = cols.filter((c) => !vector.includes(c.name)).map((c) => c.name);
  if (vector.length === 0)
    throw new IngestError(
      `${fileName} has no column that is a ${listHint} and no numeric columns to use as the vector (its columns: ${cols.map((c) => `${c.name} (${c.type})`).join(', ')}).`,
    );
  return { vector, meta };
}

/** One batch's column: value i of the batch, null/undefined when missing. */
export type ColumnGetter = (i: number) => unknown;

const PREVIEW_ROWS = 5;

/** Rows of a wide table, batch by batch (a Parquet row group, an Arrow record batch), into the sink. */
export class WideRows {
  readonly sink: VectorSink;
  private row = 0;
  private readonly firstRows: string[][] = [];
  private previewed = false;

  constructor(
    private readonly fileName: string,
    private readonly format: string,
    totalBytes: number,
    private readonly opts: IngestOptions,
    private readonly plan: WidePlan,
    private readonly expectedRows?: number,
  ) {
    this.sink = new VectorSink(sinkOptions(fileName, format, totalBytes, opts), expectedRows);
    this.sink.begin(plan.vector.length, ` (${plan.vector.length} numeric columns)`);
    this.sink.setMetaColumns(plan.meta);
  }

  /** Fast paths hand plain typed arrays; anything else goes through the getter. */
  addBatch(length: number, column: (name: string) => ColumnGetter | ArrayLike<number>): void {
    const vec = this.plan.vector.map(column);
    const meta = this.plan.meta.map((name): ColumnGetter => {
      const c = column(name);
      return typeof c === 'function' ? c : (i) => c[i];
    });
    const names = this.plan.vector;
    const d = names.length;
    for (let i = 0; i < length; i++) {
      const row = ++this.row;
      if (this.firstRows.length < PREVIEW_ROWS) this.firstRows.push([...names, ...this.plan.meta].map((_, k) => cell(k < d ? vec[k]! : meta[k - d]!, i)));
      const slot = this.sink.slot();
      let bad = false;
      for (let j = 0; j < d; j++) {
        const c = vec[j]!;
        const v = typeof c === 'function' ? c(i) : c[i];
        if (typeof v === 'number') slot[j] = v;
        else if (typeof v === 'bigint') slot[j] = Number(v);
        else {
          this.sink.bad(
            new IngestError(
              `${this.fileName}: row ${row}, column '${names[j]}' is ${v === null || v === undefined ? 'null' : `not a number (${String(v).slice(0, 40)})`}; every vector value must be a number.`,
              { row, column: names[j]! },
            ),
          );
          bad = true;
          break;
        }
      }
      if (bad) continue;
      this.sink.commit(
        row,
        meta.map((g) => metaValue(g(i))),
        (j) => names[j]!,
      );
      if (row === PREVIEW_ROWS) this.preview();
    }
  }

  private preview(): void {
    if (this.previewed || !this.opts.onPreview) return;
    this.previewed = true;
    const info: PreviewInfo = {
      fileName: this.fileName,
      format: this.format,
      columns: [...this.plan.vector, ...this.plan.meta],
      rows: this.firstRows,
      d: this.plan.vector.length,
      vectorColumns: this.plan.vector,
      metaColumns: this.plan.meta,
    };
    if (this.expectedRows !== undefined) info.rowsKnown = this.expectedRows;
    this.opts.onPreview(info);
  }

  finish(): Dataset {
    if (this.row === 0) throw new IngestError(`${this.fileName} has no rows.`);
    this.preview();
    const ds = this.sink.finish();
    ds.columns = this.plan.vector;
    return ds;
  }
}

function cell(c: ColumnGetter | ArrayLike<number>, i: number): string {
  const v = typeof c === 'function' ? c(i) : c[i];
  if (typeof v === 'number') return String(+v.toPrecision(6));
  const m = metaValue(v);
  return m === null || m === undefined ? '' : String(m);
}

function metaValue(v: unknown): MetaValue {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
}
