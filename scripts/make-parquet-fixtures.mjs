#!/usr/bin/env node
// Writes the version-1-page Parquet fixtures of test/io.parquet-vectors.test.ts with parquetjs, a
// writer unlike hyparquet-writer (v1 data pages, the legacy repeated-field layout, as pyarrow and
// parquet-mr files often are). Run once; the outputs are committed:
//   npm i --no-save @dsnp/parquetjs && node scripts/make-parquet-fixtures.mjs
import { createRequire } from 'node:module';

const { ParquetSchema, ParquetWriter } = createRequire(import.meta.url)('@dsnp/parquetjs');

// Must match the v1 cases in test/io.parquet-vectors.test.ts.
const value = (i, j) => Math.fround(Math.sin(i - j * 0.3));

for (const [file, type, compression, pageSize] of [
  ['parquet-v1-float.parquet', 'FLOAT', 'UNCOMPRESSED', 40],
  ['parquet-v1-double.parquet', 'DOUBLE', 'SNAPPY', 8192],
]) {
  const schema = new ParquetSchema({ vec: { type, repeated: true, compression }, tag: { type: 'UTF8', compression } });
  const w = await ParquetWriter.openFile(schema, new URL(`../test/fixtures/${file}`, import.meta.url).pathname, { pageSize, rowGroupSize: 70 });
  for (let i = 0; i < 200; i++) await w.appendRow({ vec: Array.from({ length: 24 }, (_, j) => value(i, j)), tag: `t${i % 3}` });
  await w.close();
  console.log(file);
}
