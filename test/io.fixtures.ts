import { expect } from 'vitest';
import { IngestError } from '../src/io';

// Test helpers for the io parsers. Node built-ins are loaded by a computed specifier because the
// project's tsconfig carries DOM types only, not @types/node.
interface NodeFs {
  readFileSync(path: string): Uint8Array;
  existsSync(path: string): boolean;
}

// The digits demo shipped with the app: npy + labels, CSV and the Projector pair.
export const DIGITS_DIR = new URL('../public/demo/digits', import.meta.url).pathname;

export async function nodeFs(): Promise<NodeFs> {
  const name = 'node:fs';
  return (await import(/* @vite-ignore */ name)) as NodeFs;
}

/** Build a .npy file in memory: header padded so the data starts on a 64-byte boundary, as NumPy does. */
export function makeNpy(descr: string, shape: number[], data: ArrayBufferView, opts: { version?: 1 | 2 | 3; fortran?: boolean } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(body, total);
  return out;
}

/** Run fn, expecting it to throw an IngestError, and return that error for its message and position. */
export function errorOf(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error('expected an IngestError');
}
