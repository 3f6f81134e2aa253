// A dropped typed array's memory comes back only when its isolate collects garbage, and a job's
// Workers allocate so little on the JS heap that they rarely do: forcing a collection every 0.5 s
// took 300k × 768 from 1,561 to 1,231 MB (docs/benchmark.md). Detaching a buffer frees it at once.

type Detachable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };

/**
 * Frees the memory of arrays the caller owns and will not read again: each must be the only view of
 * its whole buffer. Shared and wasm memory cannot be freed this way and are left alone.
 */
export function releaseArrays(...arrays: (ArrayBufferView | null | undefined)[]): void {
  for (const a of arrays) {
    if (!a) continue;
    const buf = a.buffer as Detachable;
    if (!(buf instanceof ArrayBuffer) || a.byteOffset !== 0 || a.byteLength !== buf.byteLength || buf.byteLength === 0) continue;
    try {
      // transfer(0) detaches and frees at once (Chromium 114+); where it is missing, detaching by
      // structured clone still makes any later read fail loudly, as it would in the browser.
      if (buf.transfer) buf.transfer(0);
      else structuredClone(buf, { transfer: [buf] });
    } catch {
      // A buffer that cannot be detached (a non-shared wasm memory's) is freed by the collector.
    }
  }
}
