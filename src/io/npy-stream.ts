import { IngestError, type Dataset, type IngestOptions } from './dataset';
import { parseNpy, planVectors, readNpyHeader, type NpyHeader } from './npy';
import { sinkOptions, VectorSink } from './vector-sink';

/**
 * A .npy whose bytes can only be read in order (a gzip stream, a deflated .npz member): the header
 * from the first bytes, then C-order rows as they arrive. Fortran order needs every row before the
 * first is known, so that rare case is gathered whole and read as a buffer.
 */
export async function parseNpyChunks(fileName: string, chunks: AsyncIterable<Uint8Array>, opts: IngestOptions = {}, onBytes?: (at: number) => void): Promise<Dataset> {
  const it = chunks[Symbol.asyncIterator]();
  let buf: Uint8Array = new Uint8Array(0);
  let h: NpyHeader | null = null;
  // The header's own length is in its first 12 bytes; read until the whole header is here.
  while (h === null) {
    const r = await it.next();
    if (!r.done) buf = concat(buf, r.value);
    // Too few bytes to tell a .npy from anything else yet.
    if (!r.done && buf.length < 12) continue;
    try {
      h = readNpyHeader(buf, fileName);
    } catch (e) {
      if (r.done || !/truncated/.test((e as Error).message) || buf.length > 1 << 20) throw e;
    }
  }
  const header = h;
  if (header.fortranOrder) {
    const parts = [buf];
    for (let r = await it.next(); !r.done; r = await it.next()) parts.push(r.value);
    return parseNpy(concatAll(parts), fileName, opts);
  }
  const shape = header.shape;
  const item = Number(/\d+$/.exec(header.descr)?.[0] ?? 0);
  const expected = header.dataOffset + shape.reduce((a, b) => a * b, 1) * item;
  const p = planVectors(header, fileName, expected);
  // The shape is only a claim until the bytes arrive (a few bytes of gzip can declare 10^12 rows), so
  // the storage is sized from it only while that is small; past that it grows with the rows read.
  const sink = new VectorSink(sinkOptions(fileName, 'npy', expected, opts), expected <= 1 << 26 ? p.n : undefined);
  sink.begin(p.d);
  opts.onPreview?.({ fileName, format: 'npy', columns: [], rows: [], d: p.d, vectorColumns: [`${header.descr} × ${p.d}`], metaColumns: [], rowsKnown: p.n });
  const rowBytes = p.d * p.item;
  let carry: Uint8Array = buf.subarray(header.dataOffset);
  let row = 0;
  let scratch = new Float32Array(0);
  const take = (bytes: Uint8Array): Uint8Array => {
    const rows = Math.min(p.n - row, Math.floor(bytes.length / rowBytes));
    if (rows > 0) {
      if (scratch.length < rows * p.d) scratch = new Float32Array(rows * p.d);
      p.convert(bytes.subarray(0, rows * rowBytes), scratch, 0, rows * p.d);
      for (let r = 0; r < rows; r++) {
        sink.slot().set(scratch.subarray(r * p.d, (r + 1) * p.d));
        sink.commit(++row);
      }
    }
    return bytes.subarray(rows * rowBytes);
  };
  carry = take(carry);
  let extra = 0;
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (row === p.n) {
      extra += r.value.length;
      continue;
    }
    carry = take(carry.length > 0 ? concat(carry, r.value) : r.value).slice();
    onBytes?.(header.dataOffset + row * rowBytes);
    sink.progress(header.dataOffset + row * rowBytes);
  }
  extra += carry.length;
  if (row < p.n)
    throw new IngestError(
      `${fileName} is truncated: its header says shape (${shape.join(', ')}) of ${header.descr}, which needs ${p.n * rowBytes} bytes of data, but it has only ${row * rowBytes + carry.length}.`,
    );
  if (extra > 0) throw new IngestError(`${fileName}: its header says shape (${shape.join(', ')}) of ${header.descr}, but ${extra} bytes follow the data; the header's shape is wrong.`);
  sink.progress(expected, true);
  return sink.finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}
