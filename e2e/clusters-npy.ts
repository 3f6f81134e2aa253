// A large clustered .npy for the million-point specs, written in slices so that a 512 MB file never
// sits in the test's memory at once.
import { createWriteStream } from 'node:fs';
import { clusterStream } from '../bench/fast-clusters';

/** n × d float32 .npy of 20 clusters (bench/fast-clusters.ts) at `path`. */
export async function writeClusters(path: string, n: number, d: number): Promise<void> {
  const next = clusterStream(d, 20, 7, 0.6);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
  const out = createWriteStream(path);
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  out.write(pre);
  out.write(Buffer.from(header, 'latin1'));
  for (let s = 0; s < n; s += 10_000) {
    const block = next(Math.min(10_000, n - s));
    if (!out.write(Buffer.from(block.buffer))) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
}
