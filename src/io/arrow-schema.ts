// arrow-js decodes a schema's fields in a loop up to the count the flatbuffer states, with no check
// against the buffer: one flipped bit makes it 2^31 fields, a minutes-long loop that fills memory.
// This walks the same flatbuffer (Arrow's Schema.fbs: Footer / Message → Schema → Field.children)
// and refuses a vector that could not fit in the bytes it claims to be in.

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

/** True when a file footer's schema is sound enough to hand to arrow-js. */
export function footerSchemaSound(footer: Uint8Array): boolean {
  try {
    const fb = new Flat(footer);
    const schema = fb.field(fb.root(), 1);
    if (schema >= 0) checkFields(fb, fb.table(schema));
    return true;
  } catch {
    return false;
  }
}

/** True when a stream's first message, if it is a schema, is sound enough to hand to arrow-js. */
export function messageSchemaSound(message: Uint8Array): boolean {
  try {
    const fb = new Flat(message);
    const root = fb.root();
    const type = fb.field(root, 1);
    const header = fb.field(root, 2);
    // header_type 1 is Schema.
    if (type >= 0 && fb.u8(type) === 1 && header >= 0) checkFields(fb, fb.table(header));
    return true;
  } catch {
    return false;
  }
}
