/**
 * A Float32Array that grows by doubling, so streaming parsers never build number[][] and each value
 * is copied O(1) times amortised.
 */
export class GrowableFloat32 {
  private buf: Float32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Float32Array(Math.max(16, initialCapacity));
  }

  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }

  private grow(min: number): void {
    let cap = this.buf.length * 2;
    while (cap < min) cap *= 2;
    const next = new Float32Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Trimmed copy-free view when the buffer is exactly full, otherwise one final copy. */
  finish(): Float32Array {
    if (this.length === this.buf.length) return this.buf;
    return this.buf.slice(0, this.length);
  }
}
