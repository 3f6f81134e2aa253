// Checksums for stored checkpoints and content keys for datasets. Not cryptographic: they catch torn
// or mismatched records and identify identical uploads, nothing adversarial.

/** Two independent 32-bit lanes over the bytes of a typed array, folded into running state. */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;
  bytes = 0;

  update(view: ArrayBufferView): void {
    const { buffer, byteOffset, byteLength } = view;
    const words = byteLength >> 2;
    let a = this.a;
    let b = this.b;
    if (words > 0) {
      // Aligned views read as words; an odd offset (a Uint8Array slice) is copied once to align it.
      const w = byteOffset % 4 === 0 ? new Int32Array(buffer, byteOffset, words) : new Int32Array(new Uint8Array(buffer, byteOffset, words * 4).slice().buffer);
      for (let i = 0; i < words; i++) {
        const x = w[i]!;
        // FNV-style multiply lane plus a position-weighted sum lane: cheap enough to run on every
        // checkpoint (a few MB in a few ms), and a swapped or zeroed block changes both.
        a = Math.imul(a ^ x, 0x01000193);
        b = (b + (x ^ i)) | 0;
      }
    }
    const tail = new Uint8Array(buffer, byteOffset + words * 4, byteLength - words * 4);
    for (let i = 0; i < tail.length; i++) a = Math.imul(a ^ tail[i]!, 0x01000193);
    this.a = a;
    this.b = b ^ byteLength;
    this.bytes += byteLength;
  }

  updateString(s: string): void {
    this.update(new TextEncoder().encode(s));
  }

  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/**
 * Checksum and byte count of every typed array and scalar in a structured-cloneable value, walked in
 * key order so the same value always gives the same digest.
 */
export function checksumOf(value: unknown): { checksum: string; bytes: number } {
  const h = new Hasher();
  const walk = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) h.update(v);
    else if (Array.isArray(v)) {
      h.updateString(`[${v.length}`);
      for (const x of v) walk(x);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v).sort()) {
        h.updateString(k);
        walk((v as Record<string, unknown>)[k]);
      }
    } else h.updateString(`${typeof v}:${String(v)}`);
  };
  walk(value);
  return { checksum: h.digest(), bytes: h.bytes };
}

/** Values hashed per slice by datasetKeyOf, so the page can hash a large dataset between yields. */
const KEY_SLICE = 1 << 20;

/** Content key of a dataset: its shape plus a digest of its values. */
export function datasetKeyOf(data: Float32Array, n: number, d: number): string {
  const h = new Hasher();
  const total = n * d;
  for (let t = 0; t < total; t += KEY_SLICE) h.update(data.subarray(t, Math.min(total, t + KEY_SLICE)));
  return `${n}x${d}-${h.digest()}`;
}

/** datasetKeyOf, yielding to the event loop between slices (the same key, for the main thread). */
export async function datasetKeyOfAsync(data: Float32Array, n: number, d: number): Promise<string> {
  const h = new Hasher();
  const total = n * d;
  for (let t = 0; t < total; t += KEY_SLICE) {
    h.update(data.subarray(t, Math.min(total, t + KEY_SLICE)));
    await new Promise((r) => setTimeout(r, 0));
  }
  return `${n}x${d}-${h.digest()}`;
}
