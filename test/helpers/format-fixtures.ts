// Writers for the columnar and archive formats the ingest tests read: wide Parquet (as pandas writes a
// frame of numeric columns), Arrow IPC, .npz (stored or deflated, as np.savez / np.savez_compressed)
// and gzip. Node only; the e2e specs and the bench samples use them too.
import { type CompressionType, Field, FixedSizeList, Float32, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, vectorFromArray, Utf8 } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { encodeNpy, npyHeader } from '../../bench/npy-writer';

/** A Parquet file with one FLOAT column per dimension (f0…), plus the given extra columns. */
export function wideParquet(data: Float32Array, n: number, d: number, extra: { name: string; data: unknown[]; type?: string }[] = [], rowGroupSize = 1000): Uint8Array {
  const cols = Array.from({ length: d }, (_, j) => ({ name: `f${j}`, data: Array.from({ length: n }, (_, i) => data[i * d + j]!), type: 'FLOAT' as const }));
  return new Uint8Array(parquetWriteBuffer({ columnData: [...cols, ...extra] as never, rowGroupSize }));
}

/** Arrow IPC (file format unless stream) with the vectors as a fixed_size_list<float32> column 'embedding' and a text 'label'. */
export function fixedListArrow(data: Float32Array, n: number, d: number, labels: string[], format: 'file' | 'stream' = 'file'): Uint8Array {
  const child = makeData({ type: new Float32(), length: n * d, data });
  const type = new FixedSizeList(d, new Field('item', new Float32(), false));
  const embedding = makeData({ type, length: n, nullCount: 0, child });
  const label = vectorFromArray(labels, new Utf8());
  const schema = new Schema([new Field('embedding', type, false), new Field('label', new Utf8(), true)]);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children: [embedding, label.data[0]!] }));
  return tableToIPC(new Table([batch]), format);
}

/** Arrow IPC with one float32 column per dimension, plus extra columns (each any arrow-typed array). */
export function wideArrow(
  data: Float32Array,
  n: number,
  d: number,
  extra: Record<string, unknown[]> = {},
  format: 'file' | 'stream' = 'file',
  compression: CompressionType | null = null,
): Uint8Array {
  const cols: Record<string, ReturnType<typeof vectorFromArray>> = {};
  for (let j = 0; j < d; j++) cols[`f${j}`] = vectorFromArray(Float32Array.from({ length: n }, (_, i) => data[i * d + j]!));
  for (const [k, v] of Object.entries(extra)) cols[k] = vectorFromArray(v);
  return tableToIPC(new Table(cols), format, compression);
}

/** A zip archive of .npy members, each stored or deflated; numpy's own layout for .npz. */
export function npz(members: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [key, raw] of Object.entries(members)) {
    const name = Buffer.from(`${key}.npy`);
    const body = deflate ? deflateRawSync(raw) : Buffer.from(raw);
    const crc = crc32(raw);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    central.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

/** A 1-D int64 .npy, as numpy saves integer labels. */
export function int64Npy(values: ArrayLike<number>): Uint8Array {
  const head = npyHeader('<i8', [values.length]);
  const body = BigInt64Array.from(Array.from(values, BigInt));
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head);
  out.set(new Uint8Array(body.buffer), head.length);
  return out;
}

export const gzip = (bytes: Uint8Array | string): Uint8Array => new Uint8Array(gzipSync(bytes));
export { encodeNpy };
