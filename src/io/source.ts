/**
 * What a parser needs from a file, independent of the DOM so parsers run (and are tested) in Node
 * as well as in the ingest worker.
 */
export interface FileSource {
  name: string;
  size: number;
  /** The first bytes of the file, for magic-number sniffing. */
  head(bytes: number): Promise<Uint8Array>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Decoded UTF-8 text in chunks, so large text files are never held whole. */
  textChunks(): AsyncIterable<string>;
}

/** A FileSource over bytes already in memory (tests, fetched demo data). */
export function memorySource(name: string, bytes: Uint8Array | ArrayBuffer, chunkChars = 1 << 16): FileSource {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    name,
    size: u8.byteLength,
    head: async (n) => u8.subarray(0, n),
    // Copy via the ArrayBuffer: Node's Buffer.slice() is a view onto a shared pool, not a copy.
    arrayBuffer: async () => u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer,
    textChunks: async function* () {
      const text = new TextDecoder().decode(u8);
      for (let i = 0; i < text.length; i += chunkChars) yield text.slice(i, i + chunkChars);
    },
  };
}
