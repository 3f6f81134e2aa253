// The bench's way into the app's parsers: any supported format on disk becomes the .npy pair the
// bench feeds every implementation, through the same src/io code as the ingest Worker, so a bad
// file gets the very message the UI shows.
import { ingestSources, type FileSource, type IngestOptions } from '../../src/io';

interface NodeFsPromises {
  open(path: string, flags: string): Promise<{ read(buf: Uint8Array, off: number, len: number, pos: number): Promise<{ bytesRead: number }>; close(): Promise<void> }>;
  stat(path: string): Promise<{ size: number }>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

async function fsp(): Promise<NodeFsPromises> {
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as NodeFsPromises;
}

/** A FileSource over a file on disk, read by ranges so large files are never held whole. */
async function diskSource(path: string): Promise<FileSource> {
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

function npyBytes(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 11, ' ') + '\n';
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, total);
  return out;
}

export interface IngestedFiles {
  data: string;
  labels: string | null;
  n: number;
  d: number;
  warnings: string[];
}

/**
 * Parse `paths` (a data file, optionally with a metadata/labels file) and write `${outStem}.npy`
 * (float32) and, when there are labels, `${outStem}.labels.npy` (int32 codes in first-seen order).
 */
export async function ingestFilesToNpy(paths: string[], outStem: string, opts: Pick<IngestOptions, 'dropBadRows' | 'maxDim'>): Promise<IngestedFiles> {
  const fs = await fsp();
  const ds = await ingestSources(await Promise.all(paths.map(diskSource)), opts);
  await fs.writeFile(`${outStem}.npy`, npyBytes('<f4', [ds.n, ds.d], new Uint8Array(ds.data.buffer, ds.data.byteOffset, ds.data.byteLength)));
  let labels: string | null = null;
  if (ds.labels) {
    const codes = new Int32Array(ds.n);
    const index = new Map<string, number>();
    ds.labels.forEach((l, i) => {
      if (!index.has(l)) index.set(l, index.size);
      codes[i] = index.get(l)!;
    });
    labels = `${outStem}.labels.npy`;
    await fs.writeFile(labels, npyBytes('<i4', [ds.n], new Uint8Array(codes.buffer)));
  }
  return { data: `${outStem}.npy`, labels, n: ds.n, d: ds.d, warnings: ds.warnings ?? [] };
}
