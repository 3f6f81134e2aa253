import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaTree } from 'hyparquet';
import { readVectorGroup, type VectorRow } from './parquet-vectors';
import { compressors } from 'hyparquet-compressors';
import { parseWideParquet } from './parquet-wide';
import { checkPageHeaders } from './parquet-pages';
import { IngestError, type Dataset, type IngestOptions } from './dataset';
import { RecordRows, vectorCandidates } from './json-records';
import type { FileSource } from './source';

type SchemaNode = ReturnType<typeof parquetSchema>;

const PAR1 = [0x50, 0x41, 0x52, 0x31];

export function hasParquetMagic(head: Uint8Array): boolean {
  return head.length >= 4 && PAR1.every((b, i) => head[i] === b);
}

/**
 * Top-level columns that hold a list of numbers per row: the possible vector columns. The path to the
 * leaf must be a chain of single-child nodes with a repeated one on it (a LIST, or a legacy repeated
 * field); structs and maps are not vectors.
 */
function numericListColumns(schema: SchemaNode): string[] {
  return schema.children
    .filter((c) => {
      let node = c;
      let repeated = false;
      for (;;) {
        const el = node.element;
        if (el.converted_type === 'MAP' || el.converted_type === 'MAP_KEY_VALUE' || el.logical_type?.type === 'MAP') return false;
        if (el.repetition_type === 'REPEATED') repeated = true;
        if (node.children.length === 0) break;
        if (node.children.length > 1) return false;
        node = node.children[0]!;
      }
      return repeated && ['FLOAT', 'DOUBLE', 'INT32', 'INT64'].includes(node.element.type ?? '');
    })
    .map((c) => c.element.name);
}

/**
 * Parquet, one row group at a time: a list<float> column is the vector, every other column is
 * metadata (without one, the numeric columns are: parquet-wide.ts). Only the row group being decoded is held besides the float32 result.
 */
export async function parseParquetSource(src: FileSource, opts: IngestOptions = {}): Promise<Dataset> {
  const f = src.name;
  const file: AsyncBuffer = {
    byteLength: src.size,
    slice: async (a, b) => {
      const u = await src.slice(a, b ?? src.size);
      return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? (u.buffer as ArrayBuffer) : (u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer);
    },
  };
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new IngestError(`${f} is not a readable Parquet file (${(e as Error).message}).`);
  }
  const groupRows = metadata.row_groups.reduce((s, g) => s + Number(g.num_rows), 0);
  if (groupRows !== Number(metadata.num_rows) || metadata.row_groups.some((g) => !(Number(g.num_rows) >= 0)))
    throw new IngestError(`${f}: its footer says ${metadata.num_rows} rows, but its row groups hold ${groupRows}; the file is damaged.`);
  const unnamed = metadata.schema.findIndex((e) => typeof e.name !== 'string');
  if (unnamed >= 0) throw new IngestError(`${f}: schema element ${unnamed + 1} has no name; the file is damaged.`);
  let schema: SchemaNode;
  try {
    schema = parquetSchema(metadata);
  } catch (e) {
    throw new IngestError(`${f}: its schema cannot be read (${(e as Error).message}); the file is damaged.`);
  }
  const lists = numericListColumns(schema);
  // No list column: the vector is the numeric scalar columns, as pandas writes a frame of them.
  if (lists.length === 0) return parseWideParquet(file, metadata, schema, compressors, f, src.size, opts);
  if (opts.vectorField !== undefined && !lists.includes(opts.vectorField))
    throw new IngestError(`${f}: column '${opts.vectorField}' is not a list of numbers; the candidates are ${lists.join(', ')}.`, { column: opts.vectorField });
  // The same ranking as JSON fields, applied to names only.
  const ranked = vectorCandidates(Object.fromEntries(lists.map((name) => [name, [0]])));
  const n = Number(metadata.num_rows);
  const rows = new RecordRows(f, 'parquet', src.size, { ...opts, vectorField: opts.vectorField ?? ranked[0]! }, n);
  const field = opts.vectorField ?? ranked[0]!;
  const vectorPath = pathTo(schema, field);
  const others = schema.children.map((c) => c.element.name).filter((name) => name !== field);
  let rowStart = 0;
  let bytes = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    try {
      // Metadata columns are small: hyparquet's row objects are fine for them. The vectors are decoded
      // page by page (parquet-vectors.ts) and never become JS arrays.
      let meta: Record<string, unknown>[] = [];
      await checkPageHeaders(file, group, new Set(schema.children.map((c) => c.element.name)));
      if (others.length > 0) await parquetRead({ file, metadata, rowStart, rowEnd, columns: others, compressors, rowFormat: 'object', onComplete: (r) => (meta = r) });
      let i = 0;
      await readVectorGroup(file, group, vectorPath, compressors, (v) => {
        const obj = meta[i] ?? {};
        meta[i] = EMPTY_ROW;
        const at = rowStart + i;
        i++;
        obj[field] = vectorValue(v, at < PREVIEW_COPY_ROWS);
        rows.add(obj, `row ${at + 1}`);
      });
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError(`${f}: rows ${rowStart + 1}–${rowEnd} cannot be decoded (${(e as Error).message}).`, { row: rowStart + 1 });
    }
    rowStart = rowEnd;
    bytes += Number(group.total_compressed_size ?? group.total_byte_size);
    rows.sink.progress(Math.min(bytes, src.size));
  }
  rows.sink.progress(src.size, true);
  const ds = rows.finish();
  ds.vectorCandidates = ranked;
  return ds;
}

const EMPTY_ROW: Record<string, unknown> = {};

/** The first rows are kept for the preview, so they get a copy rather than the reused row buffer. */
const PREVIEW_COPY_ROWS = 8;

/** A decoded vector as RecordRows expects a row's field: the values, or what stands for a bad one. */
function vectorValue(v: VectorRow, copy: boolean): unknown {
  if ('values' in v) return copy ? Array.from(v.values) : v.values;
  if ('missing' in v) return v.missing === 'null' ? null : [];
  return Array.from({ length: v.length }, (_, j) => (j === v.nullElement ? null : 0));
}

/** The schema nodes from the root to the leaf of a top-level column. */
function pathTo(schema: SchemaNode, name: string): SchemaTree[] {
  const path: SchemaTree[] = [schema];
  let node = schema.children.find((c) => c.element.name === name)!;
  path.push(node);
  while (node.children.length > 0) {
    node = node.children[0]!;
    path.push(node);
  }
  return path;
}
