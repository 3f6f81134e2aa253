import { IngestError, type Dataset, type IngestOptions, type PreviewInfo } from './dataset';
import { coordFamilies } from './coords-rule';
import { sinkOptions, VectorSink, type MetaValue } from './vector-sink';

/** Field names taken as the vector when the user has not chosen one, best first. */
const VECTOR_NAMES = ['embedding', 'embeddings', 'vector', 'vectors', 'values', 'emb', 'features', 'x'];
const PREVIEW_ROWS = 5;

/** Fields of an object row whose values are arrays of numbers, the likeliest vector first. */
export function vectorCandidates(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj).filter((k) => {
    const v = obj[k];
    return isList(v) && v.length > 0 && typeof v[0] === 'number';
  });
  const rank = (k: string) => {
    const l = k.toLowerCase();
    const i = VECTOR_NAMES.indexOf(l);
    if (i >= 0) return i;
    if (l.startsWith('emb') || l.startsWith('vec')) return VECTOR_NAMES.length;
    return VECTOR_NAMES.length + 1;
  };
  return keys.sort((a, b) => rank(a) - rank(b));
}

function abbreviate(v: unknown): string {
  if (isList(v))
    return `[${Array.from(v)
      .slice(0, 3)
      .map((x) => (typeof x === 'number' ? +x.toPrecision(4) : (jsonText(x) ?? '[…]')))
      .join(', ')}${v.length > 3 ? `, … ${v.length} values` : ''}]`;
  if (v !== null && typeof v === 'object') return (jsonText(v) ?? '[nested too deeply to show]').slice(0, 60);
  return v === null || v === undefined ? '' : String(v);
}

/** JSON text of a parsed value; null when it nests too deeply to turn back into text (JSON.stringify recurses). */
function jsonText(v: unknown): string | null {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/**
 * Rows that arrive as parsed JSON values (an array of numbers, or an object with a vector field)
 * go into the sink; shared by the JSON-array and JSONL readers and by Parquet.
 */
export class RecordRows {
  readonly sink: VectorSink;
  /** fields: objects without a vector field whose scalar fields hold a map (x/y, umap_1/umap_2…): those fields are read as the vector. */
  private kind: 'array' | 'object' | 'fields' | null = null;
  private field = '';
  private coordFields: string[] = [];
  private candidates: string[] = [];
  private metaKeys: string[] = [];
  private firstRows: unknown[] = [];
  private previewed = false;
  rows = 0;

  constructor(
    private readonly fileName: string,
    private readonly format: string,
    totalBytes: number,
    private readonly opts: IngestOptions,
    private readonly expectedRows?: number,
  ) {
    this.sink = new VectorSink(sinkOptions(fileName, format, totalBytes, opts), expectedRows);
  }

  /** where: how to name the row in messages, e.g. "row 3" or "line 7". */
  add(value: unknown, where: string): void {
    const row = ++this.rows;
    const f = this.fileName;
    if (this.firstRows.length < PREVIEW_ROWS) this.firstRows.push(value);
    if (this.kind === null) this.start(value, where);
    let vec: unknown;
    let meta: MetaValue[] | undefined;
    if (this.kind === 'array') {
      if (!Array.isArray(value)) {
        this.sink.bad(new IngestError(`${f}: ${where} is not an array of numbers like the rows before it.`, { row }));
        return;
      }
      vec = value;
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.sink.bad(new IngestError(`${f}: ${where} is not an object like the rows before it.`, { row }));
        return;
      }
      const obj = value as Record<string, unknown>;
      vec = this.kind === 'fields' ? this.coordFields.map((k) => obj[k]) : obj[this.field];
      if (!isList(vec)) {
        const why = vec === undefined ? 'has no' : 'has a non-array';
        this.sink.bad(new IngestError(`${f}: ${where} ${why} '${this.field}' field.`, { row, column: this.field }));
        return;
      }
      meta = [];
      for (const k of this.metaKeys) {
        const m = metaValue(obj[k]);
        if (m === TOO_DEEP) {
          this.sink.bad(new IngestError(`${f}: ${where}, field '${k}' is nested too deeply to keep as metadata.`, { row, column: k }));
          return;
        }
        meta.push(m);
      }
    }
    const arr = vec as ArrayLike<unknown>;
    const d = this.sink.d;
    if (arr.length !== d) {
      this.sink.bad(new IngestError(`${f}: ${where} has a vector of ${arr.length} values, but the first row has ${d}; every vector must have the same length.`, { row }));
      return;
    }
    const slot = this.sink.slot();
    for (let j = 0; j < d; j++) {
      const x = arr[j];
      if (typeof x !== 'number' && this.kind === 'fields') {
        const k = this.coordFields[j]!;
        this.sink.bad(new IngestError(`${f}: ${where}, field '${k}' is ${x == null ? 'missing' : `${typeof x} ${abbreviate(x)}`}, not a number.`, { row, column: k }));
        return;
      }
      if (typeof x !== 'number') {
        this.sink.bad(new IngestError(`${f}: ${where}, vector element ${j + 1} is ${x === null ? 'null' : `${typeof x} ${abbreviate(x)}`}, not a number.`, { row, column: String(j + 1) }));
        return;
      }
      slot[j] = x;
    }
    this.sink.commit(row, meta);
    if (row === PREVIEW_ROWS) this.preview();
  }

  private start(value: unknown, where: string): void {
    const f = this.fileName;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new IngestError(`${f}: ${where} is an empty array; there are no vector values.`, { row: 1 });
      this.kind = 'array';
      this.sink.begin(value.length);
      return;
    }
    if (value === null || typeof value !== 'object')
      throw new IngestError(`${f}: ${where} is ${jsonText(value)?.slice(0, 40)}; rows must be arrays of numbers or objects with a vector field.`, { row: 1 });
    const obj = value as Record<string, unknown>;
    this.kind = 'object';
    this.candidates = vectorCandidates(obj);
    const chosen = this.opts.vectorField;
    if (chosen !== undefined && !(chosen in obj))
      throw new IngestError(`${f}: the first row has no field '${chosen}' (its fields: ${Object.keys(obj).join(', ')}).`, { row: 1, column: chosen });
    const field = chosen ?? this.candidates[0];
    const scalars = Object.keys(obj).filter((k) => typeof obj[k] === 'number');
    const map = field === undefined ? coordFamilies(scalars, [])[0] : undefined;
    if (map) {
      this.kind = 'fields';
      this.coordFields = map.columns;
      this.metaKeys = Object.keys(obj).filter((k) => !map.columns.includes(k));
      this.sink.begin(map.dim, ` (fields ${map.columns.join(', ')})`);
      this.sink.setMetaColumns(this.metaKeys);
      return;
    }
    if (field === undefined)
      throw new IngestError(`${f}: no field of the first row holds an array of numbers (fields: ${Object.keys(obj).join(', ')}); mapstream needs a vector field such as 'embedding'.`, {
        row: 1,
      });
    const v = obj[field];
    if (!isList(v) || v.length === 0) throw new IngestError(`${f}: field '${field}' of the first row is not a non-empty array of numbers.`, { row: 1, column: field });
    this.field = field;
    this.metaKeys = Object.keys(obj).filter((k) => k !== field);
    this.sink.begin(v.length, ` (field '${field}')`);
    this.sink.setMetaColumns(this.metaKeys);
  }

  private vectorKeys(): string[] {
    return this.kind === 'fields' ? this.coordFields : [this.field];
  }

  preview(): void {
    if (this.previewed || !this.opts.onPreview || this.kind === null) return;
    this.previewed = true;
    const info: PreviewInfo = {
      fileName: this.fileName,
      format: this.format,
      columns: this.kind === 'array' ? ['vector'] : [...this.vectorKeys(), ...this.metaKeys],
      rows: this.firstRows.map((r) =>
        this.kind === 'array' ? [abbreviate(r)] : [...this.vectorKeys(), ...this.metaKeys].map((k) => abbreviate((r as Record<string, unknown> | null)?.[k])),
      ),
      d: this.sink.d,
      vectorColumns: this.kind === 'array' ? ['each row'] : this.vectorKeys(),
      metaColumns: this.metaKeys,
    };
    if (this.kind === 'object') {
      info.vectorField = this.field;
      info.vectorCandidates = this.candidates;
    }
    if (this.expectedRows !== undefined) info.rowsKnown = this.expectedRows;
    this.opts.onPreview(info);
  }

  finish(): Dataset {
    if (this.rows === 0) throw new IngestError(`${this.fileName} has no rows.`);
    this.preview();
    const ds = this.sink.finish();
    if (this.kind === 'fields') ds.columns = this.coordFields;
    if (this.kind === 'object') {
      ds.vectorField = this.field;
      ds.vectorCandidates = this.candidates;
    }
    return ds;
  }
}

/** Arrays, and the typed arrays Parquet readers give for numeric lists. */
function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

const TOO_DEEP = Symbol('too deep');

function metaValue(v: unknown): MetaValue | typeof TOO_DEEP {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return jsonText(v) ?? TOO_DEEP;
}
