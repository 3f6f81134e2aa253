// arrow-js decodes a flatbuffer vector (a schema's fields, a record batch's nodes and buffers, a
// footer's blocks) in a loop up to the count it states, with no check against the buffer: one flipped
// bit makes it 2^31 entries, a minutes-long loop that fills memory. This walks the same flatbuffers
// (Arrow's File.fbs / Message.fbs / Schema.fbs) and refuses a vector that cannot fit in its bytes.

const MAX_DEPTH = 64;

class Flat {
  private fields = 0;
  constructor(private readonly b: Uint8Array) {}

  private u32(at: number): number {
    if (!(at >= 0 && at + 4 <= this.b.length)) throw new RangeError('outside');
    return (this.b[at]! | (this.b[at + 1]! << 8) | (this.b[at + 2]! << 16) | (this.b[at + 3]! << 24)) >>> 0;
  }
  private u16(at: number): number {
    if (!(at >= 0 && at + 2 <= this.b.length)) throw new RangeError('outside');
    return this.b[at]! | (this.b[at + 1]! << 8);
  }
  root(): number {
    return this.u32(0);
  }
  /** Where field `slot` of the table at `table` is, or -1 when absent. */
  field(table: number, slot: number): number {
    const vtable = table - (this.u32(table) | 0);
    const size = this.u16(vtable);
    const at = 4 + slot * 2;
    if (at + 2 > size) return -1;
    const off = this.u16(vtable + at);
    return off === 0 ? -1 : table + off;
  }
  /** The table an offset field points to. */
  table(at: number): number {
    return at + this.u32(at);
  }
  /** A vector of tables: its length checked against the bytes, its elements' positions. */
  vector(at: number): number[] {
    const v = at + this.u32(at);
    const n = this.u32(v);
    if (v + 4 + 4 * n > this.b.length) throw new RangeError(`a vector of ${n} entries in ${this.b.length} bytes`);
    this.fields += n;
    if (this.fields > this.b.length / 4) throw new RangeError('more fields than bytes');
    return Array.from({ length: n }, (_, i) => this.table(v + 4 + 4 * i));
  }
  /** A vector of fixed-size structs (FieldNode, Buffer: 16 bytes; Block: 24), its length checked against the bytes. */
  structs(at: number, size: number): number[] {
    const v = at + this.u32(at);
    const n = this.u32(v);
    if (v + 4 + size * n > this.b.length) throw new RangeError(`a vector of ${n} structs in ${this.b.length} bytes`);
    return Array.from({ length: n }, (_, i) => v + 4 + size * i);
  }
  u32at(at: number): number {
    return this.u32(at);
  }
  /** An int64 field that fits in a double. */
  u64(at: number): number {
    return this.u32(at) + this.u32(at + 4) * 2 ** 32;
  }
  u8(at: number): number {
    if (!(at >= 0 && at < this.b.length)) throw new RangeError('outside');
    return this.b[at]!;
  }
}

function checkFields(fb: Flat, schema: number): void {
  const walk = (fields: number[], depth: number) => {
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    for (const f of fields) {
      const children = fb.field(f, 5);
      if (children >= 0) walk(fb.vector(children), depth + 1);
    }
  };
  const fields = fb.field(schema, 1);
  if (fields >= 0) walk(fb.vector(fields), 0);
}

/**
 * A RecordBatch table's nodes and buffers (Message.fbs), and its length against the body: arrow-js
 * allocates validity bitmaps for the length it states. A row takes at least a bit of the body; a
 * compressed body may hold 1024 times more (beyond LZ4's 255:1 and ZSTD's usual ratios).
 */
function checkBatch(fb: Flat, batch: number, bodyLength: number): void {
  for (const slot of [1, 2]) {
    const at = fb.field(batch, slot);
    if (at >= 0) fb.structs(at, 16);
  }
  const lengthAt = fb.field(batch, 0);
  const rows = lengthAt >= 0 ? fb.u64(lengthAt) : 0;
  const ratio = fb.field(batch, 3) >= 0 ? 1024 : 1;
  if (rows > 8 * ratio * bodyLength + 8) throw new RangeError(`${rows} rows in a body of ${bodyLength} bytes`);
}

export interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

/** A file footer's blocks (dictionaries first, then record batches) once its schema and lists are sound; null when they are not. */
export function footerBlocks(footer: Uint8Array): Block[] | null {
  try {
    const fb = new Flat(footer);
    const root = fb.root();
    const schema = fb.field(root, 1);
    if (schema >= 0) checkFields(fb, fb.table(schema));
    const blocks: Block[] = [];
    for (const slot of [2, 3]) {
      const at = fb.field(root, slot);
      if (at < 0) continue;
      // Block: offset int64, metaDataLength int32 (+4 padding), bodyLength int64.
      for (const b of fb.structs(at, 24)) blocks.push({ offset: fb.u64(b), metaDataLength: fb.u32at(b + 8) | 0, bodyLength: fb.u64(b + 16) });
    }
    return blocks;
  } catch {
    return null;
  }
}

/** Message.fbs header types. */
const SCHEMA = 1;
const DICTIONARY_BATCH = 2;
const RECORD_BATCH = 3;

/** A message's metadata checked as arrow-js will decode it, and its body length; null when it is damaged. */
export function messageSound(message: Uint8Array): { bodyLength: number } | null {
  try {
    const fb = new Flat(message);
    const root = fb.root();
    const typeAt = fb.field(root, 1);
    const header = fb.field(root, 2);
    const type = typeAt >= 0 ? fb.u8(typeAt) : 0;
    const body = fb.field(root, 3);
    const bodyLength = body >= 0 ? fb.u64(body) : 0;
    if (header >= 0) {
      const table = fb.table(header);
      if (type === SCHEMA) checkFields(fb, table);
      else if (type === RECORD_BATCH) checkBatch(fb, table, bodyLength);
      else if (type === DICTIONARY_BATCH) {
        const data = fb.field(table, 1);
        if (data >= 0) checkBatch(fb, fb.table(data), bodyLength);
      }
    }
    return { bodyLength };
  } catch {
    return null;
  }
}

/** The metadata of an encapsulated message: after an optional 0xFFFFFFFF marker, an int32 length, then that many bytes. */
export function messageFrame(b: Uint8Array): { start: number; length: number } | null {
  if (b.length < 4) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const marker = v.getUint32(0, true) === 0xffffffff;
  if (marker && b.length < 8) return null;
  const start = marker ? 8 : 4;
  return { start, length: v.getInt32(marker ? 4 : 0, true) };
}
