const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

export type RecordSink = (fields: string[], line: number) => void;

/**
 * Splits delimited text into records, RFC 4180 style: quoted fields may hold delimiters, doubled
 * quotes and newlines; CRLF, LF and lone CR all end a record. Text can arrive in arbitrary chunks;
 * an unfinished record is carried over and rescanned, which costs O(record) per chunk, not O(file).
 */
export class RecordScanner {
  private carry = '';
  private line = 1;
  private started = false;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly sink: RecordSink,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  push(chunk: string): void {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const buf = this.carry.length > 0 ? this.carry + chunk : chunk;
    const consumed = this.scan(buf, false);
    this.carry = consumed === buf.length ? '' : buf.slice(consumed);
  }

  end(): void {
    if (this.carry.length > 0) this.scan(this.carry, true);
    this.carry = '';
  }

  /** Returns how much of buf was consumed as complete records. */
  private scan(buf: string, final: boolean): number {
    const len = buf.length;
    const delim = this.delim;
    let pos = 0;
    while (pos < len) {
      const recStart = pos;
      let newlines = 0;
      const fields: string[] = [];
      let i = pos;
      for (;;) {
        let k: number;
        // Tolerate spaces before an opening quote (`a, "b"`), which some writers emit.
        let q = i;
        while (q < len && buf.charCodeAt(q) === SPACE) q++;
        if (q >= len && q > i && !final) return recStart;
        if (q < len && buf.charCodeAt(q) === QUOTE) i = q;
        if (i < len && buf.charCodeAt(i) === QUOTE) {
          let value = '';
          let j = i + 1;
          let seg = j;
          let closed = false;
          while (j < len) {
            const c = buf.charCodeAt(j);
            if (c === QUOTE) {
              // A quote as the last char of a chunk may be the first half of an escaped "".
              if (j + 1 >= len && !final) return recStart;
              if (j + 1 < len && buf.charCodeAt(j + 1) === QUOTE) {
                value += buf.slice(seg, j + 1);
                j += 2;
                seg = j;
                continue;
              }
              value += buf.slice(seg, j);
              j++;
              closed = true;
              break;
            }
            if (c === LF) newlines++;
            j++;
          }
          if (!closed) {
            if (!final) return recStart;
            value += buf.slice(seg);
            j = len;
          }
          // Be lenient about stray text between a closing quote and the delimiter: keep it.
          k = j;
          while (k < len) {
            const c = buf.charCodeAt(k);
            if (c === delim || c === LF || c === CR) break;
            k++;
          }
          if (k >= len && !final) return recStart;
          fields.push(k > j ? value + buf.slice(j, k) : value);
        } else {
          k = i;
          while (k < len) {
            const c = buf.charCodeAt(k);
            if (c === delim || c === LF || c === CR) break;
            k++;
          }
          if (k >= len && !final) return recStart;
          fields.push(buf.slice(i, k));
        }
        i = k;
        if (i >= len) {
          this.sink(fields, this.line);
          this.line += newlines;
          return len;
        }
        const c = buf.charCodeAt(i);
        if (c === delim) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= len && !final) return recStart;
          i++;
          if (i < len && buf.charCodeAt(i) === LF) i++;
        } else {
          i++;
        }
        newlines++;
        this.sink(fields, this.line);
        this.line += newlines;
        pos = i;
        break;
      }
    }
    return pos;
  }
}
