// Arrow IPC (stream and file format; Feather v2 is the file format) as pandas, polars and Hugging Face
// write it, read batch by batch from the file's bytes in order, so the file is never held whole.
import { compressionRegistry, CompressionType, DataType, RecordBatchReader, type Field, type RecordBatch, type Vector } from 'apache-arrow';
import { decompressZstd } from 'hyparquet-compressors';
import { IngestError, type Dataset, type IngestOptions } from './dataset';
import { RecordRows, vectorCandidates } from './json-records';
import { footerBlocks, messageFrame, messageSound } from './arrow-schema';
import { checkedStream } from './arrow-stream-check';
import { decodeLz4Frames } from './lz4-frame';
import type { FileSource } from './source';
import { planWide, WideRows, type ColumnGetter, type WideColumn } from './wide';

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1

export function hasArrowMagic(head: Uint8Array): boolean {
  return head.length >= 6 && MAGIC.every((b, i) => head[i] === b);
}

// pandas' to_feather compresses IPC buffers with LZ4 by default, polars and pyarrow may use ZSTD;
// arrow-js decodes them once a codec is registered.
if (!compressionRegistry.get(CompressionType.ZSTD)) compressionRegistry.set(CompressionType.ZSTD, { decode: (b) => decompressZstd(b) });
if (!compressionRegistry.get(CompressionType.LZ4_FRAME)) compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: decodeLz4Frames });

function isNumber(t: DataType): boolean {
  return DataType.isFloat(t) || DataType.isInt(t);
}

/** A list or fixed-size list of numbers: a vector column. */
function isNumericList(t: DataType): boolean {
  return (DataType.isFixedSizeList(t) || DataType.isList(t) || DataType.isLargeList(t)) && t.children[0] !== undefined && isNumber(t.children[0].type);
}

function wideKind(f: Field): WideColumn {
  const t = f.type;
  const type = String(t);
  if (isNumber(t)) return { name: f.name, kind: 'number', type };
  const text =
    DataType.isUtf8(t) ||
    DataType.isLargeUtf8(t) ||
    DataType.isUtf8View(t) ||
    DataType.isBool(t) ||
    DataType.isDate(t) ||
    DataType.isTimestamp(t) ||
    DataType.isTime(t) ||
    DataType.isDuration(t) ||
    DataType.isDecimal(t) ||
    DataType.isDictionary(t) ||
    DataType.isNull(t);
  return { name: f.name, kind: text ? 'text' : 'other', type };
}

/** Chunks in order, noting how far into the file they reach. */
async function* counted(src: FileSource, onBytes: (at: number) => void): AsyncGenerator<Uint8Array> {
  let at = 0;
  for await (const chunk of src.byteChunks()) {
    at += chunk.length;
    onBytes(at);
    yield chunk;
  }
}

const MAX_REREADS = 64;

/**
 * arrow-js allocates what a file's footer says before it reads (a whole declared length, even past
 * the end of the file), so the footer's own length and every block it lists are checked first.
 */
async function checkFooter(src: FileSource): Promise<void> {
  const tail = await src.slice(Math.max(0, src.size - 10), src.size);
  const length = tail.length === 10 ? new DataView(tail.buffer, tail.byteOffset, 10).getInt32(0, true) : -1;
  if (!(length > 0 && length <= src.size - 18))
    throw new IngestError(`${src.name}: its Arrow footer says it is ${length} bytes long, which does not fit in the file's ${src.size}; the file is truncated or damaged.`);
  const blocks = footerBlocks(await src.slice(src.size - 10 - length, src.size - 10));
  if (!blocks) throw new IngestError(`${src.name}: its Arrow footer is damaged (a count in it is more than its bytes can hold).`);
  // arrow-js reads the dictionary blocks inside open(), so every block is checked before it.
  for (const b of blocks) {
    const end = b.offset + b.metaDataLength + b.bodyLength;
    if (!(b.offset >= 0 && b.metaDataLength >= 0 && b.bodyLength >= 0 && end <= src.size))
      throw new IngestError(`${src.name}: its Arrow footer lists a record batch that reaches past the end of the file (byte ${end} of ${src.size}); the file is truncated or damaged.`);
    const meta = await src.slice(b.offset, b.offset + b.metaDataLength);
    const frame = messageFrame(meta);
    if (frame && frame.length > 0 && frame.start + frame.length <= meta.length && !messageSound(meta.subarray(frame.start, frame.start + frame.length)))
      throw new IngestError(`${src.name}: the record batch at byte ${b.offset} is damaged (a count in it is more than its bytes can hold).`);
  }
}

/**
 * The file format, read by offset through its footer (arrow-js reads a Node FileHandle that way; this
 * is one over the FileSource), so only the batch being read is held. fd is what arrow-js tells a
 * FileHandle by.
 */
function fileHandle(src: FileSource, onBytes: (at: number) => void) {
  // arrow-js re-reads a footer block that holds a schema or dictionary message instead of a record
  // batch, forever (its file reader only advances on record batches): a damaged footer would hang.
  const reads = new Map<number, number>();
  return {
    fd: -1,
    stat: async () => ({ size: src.size }),
    read: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
      const times = (reads.get(position) ?? 0) + 1;
      reads.set(position, times);
      if (times > MAX_REREADS) throw new IngestError(`${src.name}: its footer points ${times} times at the message at byte ${position}, which is not a record batch; the file is damaged.`);
      const u = await src.slice(position, Math.min(src.size, position + length));
      buffer.set(u, offset);
      onBytes(position + u.length);
      return { bytesRead: u.length, buffer };
    },
    close: async () => {},
  };
}

/**
 * sequential: the bytes can only be read in order (a decompressed .gz); the file format is then
 * gathered whole by arrow-js, the stream format still read batch by batch.
 */
export async function parseArrowSource(src: FileSource, opts: IngestOptions = {}, sequential = false): Promise<Dataset> {
  const f = src.name;
  let at = 0;
  let batches: AsyncIterator<RecordBatch>;
  let fields: Field[];
  try {
    const onBytes = (b: number) => (at = Math.max(at, b));
    const random = !sequential && hasArrowMagic(await src.head(Math.min(src.size, 8)));
    if (random) await checkFooter(src);
    const reader = await RecordBatchReader.from(random ? (fileHandle(src, onBytes) as never) : checkedStream(f, counted(src, onBytes)));
    await reader.open();
    fields = reader.schema.fields;
    batches = reader[Symbol.asyncIterator]();
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(`${f} is not a readable Arrow IPC / Feather v2 file (${(e as Error).message}).`);
  }
  const childOf = (b: RecordBatch, name: string): Vector => {
    const c = b.getChild(name);
    if (!c) throw new IngestError(`${f}: a record batch lacks the column '${name}' its schema names; the file is damaged.`);
    return c;
  };
  // arrow-js reads damaged metadata without checks and fails later in its own getters (TypeErrors on
  // missing children); past the checks above, such a failure is the file's damage, said so.
  try {
    const lists = fields.filter((x) => isNumericList(x.type)).map((x) => x.name);
    if (opts.vectorField !== undefined && !lists.includes(opts.vectorField))
      throw new IngestError(`${f}: column '${opts.vectorField}' is not a list of numbers; the candidates are ${lists.join(', ') || 'none'}.`, { column: opts.vectorField });
    const next = async (): Promise<RecordBatch | null> => {
      let r: IteratorResult<RecordBatch>;
      try {
        r = await batches.next();
      } catch (e) {
        const msg = (e as Error).message;
        const codec = /codec|compress/i.test(msg) ? ' It may use a compression mapstream cannot decode (it reads uncompressed, LZ4 and ZSTD buffers).' : '';
        throw new IngestError(`${f}: a record batch cannot be read (${msg}).${codec}`);
      }
      if (r.done) return null;
      // arrow-js takes a batch's length from its header as is; every row of a vector needs at least a bit of some buffer.
      const bytes = bufferBytes(r.value.data);
      if (r.value.numRows > 8 * bytes + 8) throw new IngestError(`${f}: a record batch claims ${r.value.numRows} rows but holds only ${bytes} bytes of data; the file is damaged.`);
      return r.value;
    };
    if (lists.length === 0) {
      const rows = new WideRows(f, 'arrow', src.size, opts, planWide(f, fields.map(wideKind), 'list<float> or fixed_size_list<float>'));
      for (let b = await next(); b; b = await next()) {
        const batch = b;
        rows.addBatch(batch.numRows, (name) => columnOf(childOf(batch, name)));
        rows.sink.progress(at);
      }
      rows.sink.progress(src.size, true);
      return rows.finish();
    }
    const ranked = vectorCandidates(Object.fromEntries(lists.map((name) => [name, [0]])));
    const field = opts.vectorField ?? ranked[0]!;
    const others = fields.map((x) => x.name).filter((name) => name !== field);
    const rows = new RecordRows(f, 'arrow', src.size, { ...opts, vectorField: field });
    for (let b = await next(); b; b = await next()) {
      const vec = childOf(b, field);
      const meta = others.map((name) => childOf(b, name));
      for (let i = 0; i < b.numRows; i++) {
        const obj: Record<string, unknown> = { [field]: listRow(vec, i) };
        for (let k = 0; k < others.length; k++) obj[others[k]!] = plain(meta[k]!.get(i));
        rows.add(obj, `row ${rows.rows + 1}`);
      }
      rows.sink.progress(at);
    }
    rows.sink.progress(src.size, true);
    const ds = rows.finish();
    ds.vectorCandidates = ranked;
    return ds;
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(`${f} is damaged: its Arrow data cannot be read (${(e as Error).message}).`);
  }
}

/** The bytes of the value and offset buffers under a batch's data: what its rows can really be made of (validity bitmaps arrow-js may make up for the declared length). */
function bufferBytes(d: RecordBatch['data']): number {
  let sum = 0;
  const walk = (x: { values?: { byteLength: number }; valueOffsets?: { byteLength: number }; children: unknown[] }, depth: number) => {
    sum += (x.values?.byteLength ?? 0) + (x.valueOffsets?.byteLength ?? 0);
    if (depth < 64) for (const c of x.children) walk(c as typeof x, depth + 1);
  };
  walk(d as unknown as Parameters<typeof walk>[0], 0);
  return sum;
}

/** Plain numbers a view can hand out as they are; bigints, float16 and nullable columns go value by value. */
function numericView(v: Vector): Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | null {
  if (v.nullCount > 0 || !(DataType.isFloat(v.type) || DataType.isInt(v.type))) return null;
  const a = v.toArray() as unknown;
  return a instanceof Float32Array ||
    a instanceof Float64Array ||
    a instanceof Int32Array ||
    a instanceof Int16Array ||
    a instanceof Int8Array ||
    a instanceof Uint8Array ||
    (a instanceof Uint16Array && DataType.isInt(v.type))
    ? a
    : null;
}

/** A whole column as a typed array when it is one without nulls, else a getter. */
function columnOf(v: Vector): ColumnGetter | ArrayLike<number> {
  return numericView(v) ?? ((i) => plain(v.get(i)));
}

/** Row i of a list column: a view of its values where they are plain numbers, else an array. */
function listRow(v: Vector, i: number): unknown {
  if (!v.isValid(i)) return null;
  const inner = v.get(i) as Vector | null;
  if (!inner) return null;
  return numericView(inner) ?? Array.from({ length: inner.length }, (_, j) => plain(inner.get(j)));
}

/** Arrow's row values as RecordRows' metadata expects: structs and lists as JSON, big integers as numbers. */
function plain(x: unknown): unknown {
  if (typeof x === 'bigint') return Number(x);
  if (x !== null && typeof x === 'object' && 'toJSON' in x && typeof x.toJSON === 'function') return x.toJSON();
  return x;
}
