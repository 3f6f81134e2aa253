import { IngestError } from './dataset';
import type { FileSource } from './source';

export function hasGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Chunks through the browser's (and Node's) DecompressionStream. Stopping early (a head() read)
 * cancels the stream, which also ends the pump feeding it.
 */
export async function* decompressChunks(chunks: AsyncIterable<Uint8Array>, format: 'gzip' | 'deflate-raw', fileName: string): AsyncGenerator<Uint8Array> {
  const ds = new DecompressionStream(format);
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const pump = (async () => {
    try {
      for await (const c of chunks) await writer.write(c as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch {
      // The readable side reports the error (or was cancelled on purpose).
    }
  })();
  let done = false;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        const what = format === 'gzip' ? 'gzip file' : 'deflated .npz member';
        throw new IngestError(`${fileName} is a truncated or damaged ${what}: decompression stopped (${(e as Error).message || String(e)}).`);
      }
      if (r.done) break;
      yield r.value;
    }
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    await pump;
  }
}

/**
 * The decompressed view of a .gz file, read in order only. Its size is the gzip trailer's ISIZE
 * (the length mod 2^32), so progress and row estimates count decompressed bytes; where ISIZE has
 * wrapped (over 4 GB) it is smaller than the file and the compressed size stands in.
 */
export async function gunzipSource(src: FileSource): Promise<FileSource> {
  const tail = await src.slice(Math.max(0, src.size - 4), src.size);
  const isize = tail.length === 4 ? new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true) : 0;
  const name = src.name.replace(/\.gz$/i, '');
  const chunks = () => decompressChunks(src.byteChunks(), 'gzip', src.name);
  const read = async (n: number) => {
    const parts: Uint8Array[] = [];
    let have = 0;
    for await (const c of chunks()) {
      parts.push(c);
      have += c.length;
      if (have >= n) break;
    }
    const out = new Uint8Array(have);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  return {
    name,
    size: isize >= src.size ? isize : src.size,
    head: async (n) => (await read(n)).subarray(0, n),
    slice: async (a, b) => {
      if (a !== 0) throw new IngestError(`${src.name}: ${name} cannot be read from a gzip stream in this way; decompress it first.`);
      return (await read(Number.POSITIVE_INFINITY)).subarray(0, b);
    },
    byteChunks: chunks,
  };
}
