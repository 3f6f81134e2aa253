/**
 * Where parsed rows go. Both kinds grow without the doubling copy of a plain growable array, so a
 * parse peaks near the size of the float32 data itself:
 * - shared: one shared WebAssembly.Memory grown in place; the job's Workers read it with no copy.
 * - chunked: fixed-size Float32Array chunks, joined once at the end (each chunk is released as it is
 *   copied, so the join needs about one chunk beyond the result).
 */
export interface RowStorage {
  readonly d: number;
  /** A view for row i (i ≤ rows written so far); writing row `rows` claims space for it. */
  slot(i: number): Float32Array;
  finish(n: number): { data: Float32Array; memory?: WebAssembly.Memory };
}

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32's 4 GiB, and the limit the distance kernels' import declares
const CHUNK_FLOATS = 1 << 22; // 16 MB

export function createRowStorage(d: number, shared: boolean, expectedRows?: number): RowStorage {
  return shared ? new SharedMemoryRows(d, expectedRows) : new ChunkedRows(d, expectedRows);
}

class SharedMemoryRows implements RowStorage {
  private readonly memory: WebAssembly.Memory;
  private view: Float32Array;
  constructor(
    readonly d: number,
    expectedRows?: number,
  ) {
    const initial = Math.max(1, Math.ceil(((expectedRows ?? 1024) * d * 4) / PAGE));
    if (initial > MAX_PAGES) throw new RangeError('too large for 4 GiB of wasm memory');
    this.memory = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: true });
    this.view = new Float32Array(this.memory.buffer);
  }
  slot(i: number): Float32Array {
    const end = (i + 1) * this.d;
    if (end > this.view.length) {
      const have = this.memory.buffer.byteLength / PAGE;
      // Grow by an eighth (at least 16 MB): few grow calls, little committed beyond the data.
      const want = Math.max(Math.ceil((end * 4) / PAGE), have + Math.max(256, Math.ceil(have / 8)));
      const pages = Math.min(MAX_PAGES, want);
      if ((end * 4) / PAGE > pages) throw new RangeError('The vectors do not fit in 4 GiB of wasm memory.');
      this.memory.grow(pages - have);
      this.view = new Float32Array(this.memory.buffer);
    }
    return this.view.subarray(i * this.d, end);
  }
  finish(n: number) {
    return { data: new Float32Array(this.memory.buffer, 0, n * this.d), memory: this.memory };
  }
}

class ChunkedRows implements RowStorage {
  private readonly rowsPerChunk: number;
  private chunks: Float32Array[] = [];
  private readonly exact: Float32Array | null;
  constructor(
    readonly d: number,
    expectedRows?: number,
  ) {
    this.rowsPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / d));
    // A known row count (npy, Parquet) goes straight into one array of the final size.
    this.exact = expectedRows !== undefined ? new Float32Array(expectedRows * d) : null;
  }
  slot(i: number): Float32Array {
    if (this.exact) {
      if ((i + 1) * this.d > this.exact.length) throw new RangeError(`row ${i + 1} is beyond the ${this.exact.length / this.d} rows announced`);
      return this.exact.subarray(i * this.d, (i + 1) * this.d);
    }
    const c = Math.floor(i / this.rowsPerChunk);
    while (this.chunks.length <= c) this.chunks.push(new Float32Array(this.rowsPerChunk * this.d));
    const off = (i - c * this.rowsPerChunk) * this.d;
    return this.chunks[c]!.subarray(off, off + this.d);
  }
  finish(n: number) {
    const d = this.d;
    if (this.exact) {
      return { data: n * d === this.exact.length ? this.exact : this.exact.slice(0, n * d) };
    }
    const out = new Float32Array(n * d);
    let at = 0;
    for (let c = 0; c < this.chunks.length && at < out.length; c++) {
      const take = Math.min(this.rowsPerChunk * d, out.length - at);
      out.set(this.chunks[c]!.subarray(0, take), at);
      at += take;
      release(this.chunks[c]!);
      this.chunks[c] = EMPTY;
    }
    this.chunks = [];
    return { data: out };
  }
}

const EMPTY = new Float32Array(0);

/**
 * Free a chunk's memory now rather than at the next major GC, which in a busy ingest Worker came only
 * after the whole join: the joined copy and every chunk were alive together (twice the data).
 * ArrayBuffer.prototype.transfer detaches the buffer, which releases its backing store.
 */
function release(a: Float32Array): void {
  (a.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer }).transfer?.(0);
}
