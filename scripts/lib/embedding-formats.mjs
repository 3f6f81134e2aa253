// Writers for embeddings in the formats mapstream reads: used by the round-trip tests, the
// malformed-file corpus generator and scripts/parse-bench.mjs, so all three agree on the layouts.
import { parquetWriteBuffer, ParquetWriter } from 'hyparquet-writer';

/** Row i of a row-major n × d matrix as a plain array (what JSON and Parquet writers take). */
export function rowOf(data, d, i) {
  return Array.from(data.subarray(i * d, (i + 1) * d));
}

/** JSON: an array of objects {embedding: [...], label}, or of plain arrays when labels is null. */
export function toJson(data, n, d, labels) {
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(labels ? JSON.stringify({ id: i, embedding: rowOf(data, d, i), label: labels[i] }) : JSON.stringify(rowOf(data, d, i)));
  return `[\n${rows.join(',\n')}\n]\n`;
}

export function toJsonl(data, n, d, labels) {
  let out = '';
  for (let i = 0; i < n; i++) out += `${labels ? JSON.stringify({ vector: rowOf(data, d, i), label: labels[i] }) : JSON.stringify(rowOf(data, d, i))}\n`;
  return out;
}

/** The Parquet schema of a list<float> vector column plus optional columns of strings. */
export function parquetSchema(vectorName, textColumns) {
  return [
    { name: 'root', num_children: 1 + textColumns.length },
    { name: vectorName, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
    ...textColumns.map((name) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })),
  ];
}

/** Parquet bytes: list<float> 'embedding' plus a 'label' column when labels are given. */
export function toParquet(data, n, d, labels, rowGroupSize = 1000) {
  const embedding = [];
  for (let i = 0; i < n; i++) embedding.push(rowOf(data, d, i));
  const columnData = [{ name: 'embedding', data: embedding }];
  if (labels) columnData.push({ name: 'label', data: labels });
  return new Uint8Array(parquetWriteBuffer({ schema: parquetSchema('embedding', labels ? ['label'] : []), columnData, rowGroupSize }));
}

export { ParquetWriter };
