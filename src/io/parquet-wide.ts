// Parquet as pandas.DataFrame.to_parquet() writes a frame of numeric columns: one scalar column per
// dimension. The vector is assembled row by row from the columns of each row group.
import { parquetRead, type AsyncBuffer, type Compressors, type DecodedArray, type FileMetaData, type parquetSchema } from 'hyparquet';
import { IngestError, type Dataset, type IngestOptions } from './dataset';
import { checkPageHeaders } from './parquet-pages';
import { planWide, WideRows, type ColumnGetter, type WideColumn } from './wide';

type SchemaNode = ReturnType<typeof parquetSchema>;

const NUMBER_TYPES = new Set(['FLOAT', 'DOUBLE', 'INT32', 'INT64']);
/** Annotations that make a number column hold something else (a date, a time). */
const NOT_NUMBER = /^(DATE|TIME|TIMESTAMP|INTERVAL)/;

/** How a top-level column takes part in a wide layout. */
function wideKind(node: SchemaNode): WideColumn {
  const el = node.element;
  const name = el.name;
  if (node.children.length > 0) {
    const what = el.converted_type === 'LIST' || el.logical_type?.type === 'LIST' ? 'list' : el.converted_type === 'MAP' || el.logical_type?.type === 'MAP' ? 'map' : 'struct';
    return { name, kind: 'other', type: what };
  }
  const type = el.type ?? 'group';
  const annotation = el.logical_type?.type ?? el.converted_type ?? '';
  const label = annotation ? `${type} ${annotation}` : type;
  if (NUMBER_TYPES.has(type)) return { name, kind: NOT_NUMBER.test(annotation) ? 'text' : 'number', type: label };
  if (type === 'FIXED_LEN_BYTE_ARRAY' && annotation === 'FLOAT16') return { name, kind: 'number', type: label };
  // Byte arrays are read as UTF-8 text; INT96 is the legacy timestamp.
  if (type === 'BYTE_ARRAY' || type === 'BOOLEAN' || type === 'INT96' || annotation === 'UUID') return { name, kind: 'text', type: label };
  return { name, kind: 'other', type: label };
}

/** Read a Parquet file whose vector is spread over numeric scalar columns, one row group at a time. */
export async function parseWideParquet(
  file: AsyncBuffer,
  metadata: FileMetaData,
  schema: SchemaNode,
  compressors: Compressors,
  f: string,
  size: number,
  opts: IngestOptions,
): Promise<Dataset> {
  const plan = planWide(f, schema.children.map(wideKind), 'list of numbers');
  const n = Number(metadata.num_rows);
  const rows = new WideRows(f, 'parquet', size, opts, plan, n);
  let rowStart = 0;
  let bytes = 0;
  for (const group of metadata.row_groups) {
    const m = Number(group.num_rows);
    const rowEnd = rowStart + m;
    const cols = new Map<string, { at: number; data: DecodedArray }[]>();
    try {
      await checkPageHeaders(file, group, new Set([...plan.vector, ...plan.meta]));
      if (group.columns.some((c) => Number(c.meta_data?.num_values ?? m) > m)) throw new Error(`a column chunk holds more values than the row group's ${m} rows`);
      await parquetRead({
        file,
        metadata,
        rowStart,
        rowEnd,
        columns: [...plan.vector, ...plan.meta],
        compressors,
        onChunk: (c) => {
          const list = cols.get(c.columnName) ?? [];
          list.push({ at: c.rowStart, data: c.columnData });
          cols.set(c.columnName, list);
        },
      });
    } catch (e) {
      throw new IngestError(`${f}: rows ${rowStart + 1}–${rowEnd} cannot be decoded (${(e as Error).message}).`, { row: rowStart + 1 });
    }
    for (const name of [...plan.vector, ...plan.meta]) {
      const got = (cols.get(name) ?? []).reduce((s, c) => s + c.data.length, 0);
      if (got < m)
        throw new IngestError(`${f}: rows ${rowStart + 1}–${rowEnd} cannot be decoded (column '${name}' holds ${got} of the row group's ${m} values); the file is damaged.`, {
          row: rowStart + 1,
        });
    }
    const start = rowStart;
    rows.addBatch(m, (name) => columnOf(cols.get(name) ?? [], start));
    rowStart = rowEnd;
    bytes += Number(group.total_compressed_size ?? group.total_byte_size);
    rows.sink.progress(Math.min(bytes, size));
  }
  rows.sink.progress(size, true);
  return rows.finish();
}

/** A column's values for the rows from `start` on, from its decoded chunks; one whole chunk is the usual case. */
function columnOf(chunks: { at: number; data: DecodedArray }[], start: number): ColumnGetter | ArrayLike<number> {
  const one = chunks.length === 1 ? chunks[0]! : undefined;
  if (one && one.at === start && (one.data instanceof Float32Array || one.data instanceof Float64Array || one.data instanceof Int32Array)) return one.data;
  return (i) => {
    const r = start + i;
    for (const c of chunks) if (r >= c.at && r < c.at + c.data.length) return c.data[r - c.at];
    return undefined;
  };
}
