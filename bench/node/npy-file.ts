// The bench's .npy input, read by the app's reader (src/io/npy.ts): every dtype and order the app
// reads (float16/32/64, int8/16/32, uint8/16/32, C or Fortran order), with the app's messages.
import { parseNpySource, readNpyLabels } from '../../src/io/npy';
import type { IngestOptions } from '../../src/io';
import type { Matrix } from '../../src/engine/types';
import { diskSource, fsp } from './disk-source';

/** A 2-D .npy on disk as a float32 matrix, streamed in blocks. */
export async function readNpyMatrix(path: string, opts: Pick<IngestOptions, 'maxDim'> = {}): Promise<Matrix> {
  const ds = await parseNpySource(await diskSource(path), opts);
  return { data: ds.data, n: ds.n, d: ds.d };
}

/** A 1-D labels .npy as integer codes in first-seen order: the bench only compares labels for equality. */
export async function readNpyLabelCodes(path: string): Promise<Int32Array> {
  const bytes = await (await fsp()).readFile(path);
  const { labels } = readNpyLabels(bytes, path.slice(path.lastIndexOf('/') + 1));
  return labelCodes(labels);
}

/** A 1-D labels .npy as the app reads it (strings), to code together with another file's labels. */
export async function readNpyLabelValues(path: string): Promise<string[]> {
  const bytes = await (await fsp()).readFile(path);
  return [...readNpyLabels(bytes, path.slice(path.lastIndexOf('/') + 1)).labels];
}

export function labelCodes(labels: readonly string[]): Int32Array {
  const codes = new Int32Array(labels.length);
  const index = new Map<string, number>();
  labels.forEach((l, i) => {
    if (!index.has(l)) index.set(l, index.size);
    codes[i] = index.get(l)!;
  });
  return codes;
}
