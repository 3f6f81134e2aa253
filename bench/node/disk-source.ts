// Files on disk as the app's FileSource, so the bench reads them through the app's own parsers.
import type { FileSource } from '../../src/io';

export interface NodeFsPromises {
  open(path: string, flags: string): Promise<{ read(buf: Uint8Array, off: number, len: number, pos: number): Promise<{ bytesRead: number }>; close(): Promise<void> }>;
  stat(path: string): Promise<{ size: number }>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

/** node:fs/promises, imported at run time so bundling this for Node never resolves it for a browser. */
export async function fsp(): Promise<NodeFsPromises> {
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as NodeFsPromises;
}

/** A FileSource over a file on disk, read by ranges so large files are never held whole. */
export async function diskSource(path: string): Promise<FileSource> {
  const fs = await fsp();
  const { size } = await fs.stat(path);
  const read = async (a: number, b: number) => {
    const fh = await fs.open(path, 'r');
    try {
      const buf = new Uint8Array(Math.max(0, Math.min(b, size) - a));
      let at = 0;
      while (at < buf.length) {
        const { bytesRead } = await fh.read(buf, at, buf.length - at, a + at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return buf;
    } finally {
      await fh.close();
    }
  };
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    size,
    head: (n) => read(0, n),
    slice: read,
    byteChunks: async function* () {
      const step = 1 << 22;
      for (let a = 0; a < size; a += step) yield await read(a, Math.min(size, a + step));
    },
  };
}
