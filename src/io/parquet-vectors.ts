// The vector column of a Parquet row group, decoded page by page into flat typed arrays. hyparquet's
// row reader assembles every list as a JS array of doubles, which for 100k × 768 vectors left hundreds
// of MB of garbage in the ingest Worker's heap; here each page's values go straight to the caller.
import type { AsyncBuffer, ColumnChunk, FileMetaData, PageHeader, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { Compressors } from 'hyparquet';

/** One row's vector: its values (a view, valid during the call), or why there is none. */
export type VectorRow = { values: ArrayLike<number> } | { missing: 'null' | 'empty' } | { nullElement: number; length: number };

type Values = ArrayLike<number | bigint>;

/** Definition levels along a list column's path: where the list itself exists, and a present value. */
function levelsOf(schemaPath: SchemaTree[]): { listDef: number; maxDef: number } {
  let def = 0;
  let listDef = -1;
  for (const node of schemaPath.slice(1)) {
    const rep = node.element.repetition_type;
    if (rep !== 'REQUIRED') def++;
    if (rep === 'REPEATED' && listDef < 0) listDef = def;
  }
  return { listDef, maxDef: def };
}

/** The column chunk of `path` (a leaf's path in the schema) in one row group. */
function chunkOf(group: FileMetaData['row_groups'][number], path: string[]): ColumnChunk {
  const c = group.columns.find((x) => x.meta_data?.path_in_schema.join('\u0000') === path.join('\u0000'));
  if (!c?.meta_data) throw new Error(`column ${path.join('.')} is missing from a row group`);
  return c;
}

/**
 * Decode the vector column of one row group and call onRow for each of its rows, in order. Rows may
 * span pages; levels follow the Dremel encoding (repetition 0 starts a row).
 */
export async function readVectorGroup(
  file: AsyncBuffer,
  group: FileMetaData['row_groups'][number],
  schemaPath: SchemaTree[],
  compressors: Compressors,
  onRow: (row: VectorRow) => void,
): Promise<void> {
  const leaf = schemaPath[schemaPath.length - 1]!;
  const meta = chunkOf(
    group,
    schemaPath.slice(1).map((n) => n.element.name),
  ).meta_data!;
  // Some writers (parquet-mr, Arrow C++) store 0 for "no dictionary page".
  const dict = Number(meta.dictionary_page_offset ?? 0);
  const first = dict > 0 ? Math.min(dict, Number(meta.data_page_offset)) : Number(meta.data_page_offset);
  const buffer = await file.slice(first, first + Number(meta.total_compressed_size));
  const reader = { view: new DataView(buffer), offset: 0 };
  const decoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: leaf.element,
    schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
  };
  const { listDef, maxDef } = levelsOf(schemaPath);
  let dictionary: Values | undefined;
  // The row being assembled: a growable buffer, since a row may continue on the next page.
  let row = new Float64Array(1024);
  let len = 0;
  let nullAt = -1;
  let missing: 'null' | 'empty' | null = null;
  let open = false;
  const emit = () => {
    if (!open) return;
    if (missing) onRow({ missing });
    else if (nullAt >= 0) onRow({ nullElement: nullAt, length: len });
    else onRow({ values: row.subarray(0, len) });
    open = false;
  };
  let rows = 0;
  const wanted = Number(group.num_rows);
  while (reader.offset < buffer.byteLength - 1) {
    const header: PageHeader = parquetHeader(reader);
    const bytes = new Uint8Array(buffer, reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(bytes, Number(header.uncompressed_page_size), meta.codec, compressors);
      const dict = readPlain(
        { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 },
        meta.type,
        header.dictionary_page_header!.num_values,
        leaf.element.type_length,
      );
      dictionary = convert(dict, decoder) as Values;
      continue;
    }
    let page: { definitionLevels: number[] | undefined; repetitionLevels: number[]; dataPage: unknown };
    let encoding: string;
    if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!;
      page = readDataPage(decompressPage(bytes, Number(header.uncompressed_page_size), meta.codec, compressors), h, decoder);
      encoding = h.encoding;
    } else if (header.type === 'DATA_PAGE_V2') {
      page = readDataPageV2(bytes, header, decoder);
      encoding = header.data_page_header_v2!.encoding;
    } else continue; // index pages carry no values
    const values = convertWithDictionary(page.dataPage as never, dictionary as never, encoding as never, decoder) as Values;
    const defs = page.definitionLevels;
    const reps = page.repetitionLevels;
    const count = reps.length || (defs?.length ?? values.length);
    let vi = 0;
    for (let t = 0; t < count; t++) {
      if (!reps.length || reps[t] === 0) {
        emit();
        open = true;
        rows++;
        len = 0;
        nullAt = -1;
        missing = null;
      }
      const def = defs?.length ? defs[t]! : maxDef;
      if (def < listDef) {
        missing = def < listDef - 1 ? 'null' : 'empty';
        continue;
      }
      if (len === row.length) {
        const grown = new Float64Array(row.length * 2);
        grown.set(row);
        row = grown;
      }
      if (def === maxDef) {
        const x = values[vi++]!;
        row[len++] = typeof x === 'bigint' ? Number(x) : x;
      } else {
        if (nullAt < 0) nullAt = len;
        row[len++] = NaN;
      }
    }
  }
  emit();
  if (rows !== wanted) throw new Error(`the vector column has ${rows} rows in a row group of ${wanted}`);
}
