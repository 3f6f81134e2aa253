/**
 * What a parser needs from a file, independent of the DOM so parsers run (and are tested) in Node
 * as well as in the ingest worker.
 */
export interface FileSource {
  name: string;
  size: number;
  /** The first bytes of the file, for magic-number sniffing. */
  head(bytes: number): Promise<Uint8Array>;
  /** Bytes [start, end), for formats read by offset (npy blocks, Parquet row groups). */
  slice(start: number, end: number): Promise<Uint8Array>;
  /** The file's bytes in order, in chunks, so large files are never held whole. */
  byteChunks(): AsyncIterable<Uint8Array>;
}

/** A FileSource over bytes already in memory (tests, fetched demo data). */
export function memorySource(name: string, bytes: Uint8Array | ArrayBuffer, chunkBytes = 1 << 16): FileSource {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    name,
    size: u8.byteLength,
    head: async (n) => u8.subarray(0, n),
    // slice() copies: Node's Buffer.slice() would be a view onto a shared pool.
    slice: async (a, b) => Uint8Array.prototype.slice.call(u8, a, b),
    byteChunks: async function* () {
      for (let i = 0; i < u8.length; i += chunkBytes) yield u8.subarray(i, Math.min(u8.length, i + chunkBytes));
    },
  };
}

/** A FileSource over a browser File (or Blob with a name). */
export function blobSource(file: Blob & { name: string }): FileSource {
  return {
    name: file.name,
    size: file.size,
    head: async (n) => new Uint8Array(await file.slice(0, n).arrayBuffer()),
    slice: async (a, b) => new Uint8Array(await file.slice(a, b).arrayBuffer()),
    byteChunks: () => streamChunks(file.stream()),
  };
}

/** A byte stream (a Blob's, a fetch body) as chunks in order. */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The encoding a byte-order mark names (Excel's "Unicode text" and PowerShell write UTF-16 with one); UTF-8 otherwise. */
function encodingOf(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** Decoded text chunk by chunk (UTF-8, or UTF-16 after its BOM); onBytes gets the byte position after each chunk. */
export async function* textChunks(src: FileSource, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  let dec: TextDecoder | null = null;
  // The BOM may arrive split over the first chunks: hold them until two bytes are here.
  let first: Uint8Array | null = new Uint8Array(0);
  let at = 0;
  for await (const chunk of src.byteChunks()) {
    at += chunk.byteLength;
    let bytes = chunk;
    if (first) {
      const joined: Uint8Array = new Uint8Array(first.length + chunk.length);
      joined.set(first);
      joined.set(chunk, first.length);
      if (joined.length < 2) {
        first = joined;
        continue;
      }
      first = null;
      bytes = joined;
      dec = new TextDecoder(encodingOf(bytes));
    }
    const text = dec!.decode(bytes, { stream: true });
    onBytes?.(at);
    if (text.length > 0) yield text;
  }
  dec ??= new TextDecoder('utf-8');
  const tail = first && first.length > 0 ? dec.decode(first) : dec.decode();
  if (tail.length > 0) yield tail;
}
