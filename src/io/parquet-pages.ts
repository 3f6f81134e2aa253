// hyparquet sizes each page's level and value arrays from the page header's num_values and loops until
// it has that many: a damaged header claiming billions of values on a 90-byte page spins for minutes.
// Before a row group is decoded, every page header of the columns read is checked against the footer.
import type { AsyncBuffer, FileMetaData, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';

type RowGroup = FileMetaData['row_groups'][number];

/** Throws (a plain Error, worded for the caller's message) when a page claims more values than its column chunk holds. */
export async function checkPageHeaders(file: AsyncBuffer, group: RowGroup, columns: Set<string>): Promise<void> {
  for (const c of group.columns) {
    const meta = c.meta_data;
    if (!meta || !columns.has(meta.path_in_schema[0] ?? '')) continue;
    const dict = Number(meta.dictionary_page_offset ?? 0);
    const first = dict > 0 ? Math.min(dict, Number(meta.data_page_offset)) : Number(meta.data_page_offset);
    const size = Number(meta.total_compressed_size);
    if (!(first >= 0 && size >= 0 && first + size <= file.byteLength)) throw new Error(`column '${meta.path_in_schema.join('.')}' lies outside the file`);
    const chunkValues = Number(meta.num_values);
    const buffer = await file.slice(first, first + size);
    const reader = { view: new DataView(buffer), offset: 0 };
    let values = 0;
    while (reader.offset < buffer.byteLength - 1) {
      const header: PageHeader = parquetHeader(reader);
      reader.offset += header.compressed_page_size;
      const name = meta.path_in_schema.join('.');
      if (!(header.compressed_page_size >= 0)) throw new Error(`a page header of column '${name}' is damaged`);
      const v1 = header.data_page_header;
      const v2 = header.data_page_header_v2;
      if (header.type === 'DATA_PAGE' && !(v1 && v1.num_values >= 0 && v1.encoding)) throw new Error(`a data page header of column '${name}' lacks its required fields`);
      // A v2 header without its level lengths would have hyparquet read the levels from offset NaN, forever.
      if (
        header.type === 'DATA_PAGE_V2' &&
        !(
          v2 &&
          v2.num_values >= 0 &&
          v2.encoding &&
          v2.definition_levels_byte_length >= 0 &&
          v2.repetition_levels_byte_length >= 0 &&
          v2.definition_levels_byte_length + v2.repetition_levels_byte_length <= header.compressed_page_size
        )
      )
        throw new Error(`a data page (v2) header of column '${name}' lacks its required fields or has level lengths beyond the page`);
      const n = v1?.num_values ?? v2?.num_values ?? 0;
      values += n;
      if (values > chunkValues) throw new Error(`a page of column '${name}' claims ${n} values, more than the ${chunkValues} of its column chunk`);
    }
  }
}
