import { parquetWriteBuffer } from 'hyparquet-writer';
import { columnNames, rowCount, rowIndex, validateTable, type ExportTable } from './table';

/** A Parquet file: FLOAT coordinates, INT32 cluster and batch, DOUBLE or STRING metadata, the row id (INT32 source row, or the picked column); names as in the CSV. */
export function toParquet(t: ExportTable): ArrayBuffer {
  validateTable(t);
  const names = columnNames(t);
  const n = rowCount(t);
  const k = t.nComponents;
  const columnData: { name: string; data: ArrayLike<unknown> & Iterable<unknown>; type: 'FLOAT' | 'INT32' | 'DOUBLE' | 'STRING' }[] = [];
  let next = 0;
  for (let c = 0; c < k; c++) {
    const col = new Float32Array(n);
    for (let r = 0; r < n; r++) col[r] = t.coords[rowIndex(t, r) * k + c]!;
    columnData.push({ name: names[next++]!, data: col, type: 'FLOAT' });
  }
  if (t.clusters) {
    const col = new Int32Array(n);
    for (let r = 0; r < n; r++) col[r] = t.clusters[rowIndex(t, r)]!;
    columnData.push({ name: names[next++]!, data: col, type: 'INT32' });
  }
  if (t.batch) {
    const col = new Int32Array(n);
    for (let r = 0; r < n; r++) col[r] = t.batch[rowIndex(t, r)]!;
    columnData.push({ name: names[next++]!, data: col, type: 'INT32' });
  }
  for (const m of t.meta) columnData.push(valueColumn(t, names[next++]!, m.values));
  if (t.id) {
    const v = t.id.values;
    if (v instanceof Int32Array) {
      const col = new Int32Array(n);
      for (let r = 0; r < n; r++) col[r] = v[rowIndex(t, r)]!;
      columnData.push({ name: names[next]!, data: col, type: 'INT32' });
    } else columnData.push(valueColumn(t, names[next]!, v));
  }
  return parquetWriteBuffer({ columnData: columnData as Parameters<typeof parquetWriteBuffer>[0]['columnData'] });
}

/** A metadata (or picked id) column: DOUBLE numbers or STRING text, in the rows' order. */
function valueColumn(t: ExportTable, name: string, v: Float64Array | string[]): { name: string; data: Float64Array | string[]; type: 'DOUBLE' | 'STRING' } {
  const n = rowCount(t);
  if (v instanceof Float64Array) {
    const col = new Float64Array(n);
    for (let r = 0; r < n; r++) col[r] = v[rowIndex(t, r)]!;
    return { name, data: col, type: 'DOUBLE' };
  }
  const col: string[] = new Array(n);
  for (let r = 0; r < n; r++) col[r] = v[rowIndex(t, r)] ?? '';
  return { name, data: col, type: 'STRING' };
}
