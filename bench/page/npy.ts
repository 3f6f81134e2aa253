// In-page .npy → Float32Array. The bench times this separately (parse_s) so that file parsing never
// leaks into an implementation's wall time.

export interface DenseMatrix {
  data: Float32Array;
  n: number;
  d: number;
}

export function parseNpyMatrix(buf: ArrayBuffer): DenseMatrix {
  const bytes = new Uint8Array(buf);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file');
  const view = new DataView(buf);
  const v1 = bytes[6] === 1;
  const headerLen = v1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = v1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (/'fortran_order'\s*:\s*True/.test(header)) throw new Error('Fortran-order .npy is not supported');
  if (shape.length !== 2) throw new Error(`expected a 2-D array, got shape (${shape.join(', ')})`);
  const [n, d] = shape as [number, number];
  const offset = start + headerLen;
  const count = n * d;
  if (descr === '<f4') {
    // Header lengths are padded to 16/64 bytes by numpy, but copy if a writer did not align.
    if (offset % 4 === 0) return { data: new Float32Array(buf, offset, count), n, d };
    return { data: new Float32Array(buf.slice(offset, offset + count * 4)), n, d };
  }
  if (descr === '<f8') {
    const src = new Float64Array(offset % 8 === 0 ? buf : buf.slice(offset), offset % 8 === 0 ? offset : 0, count);
    return { data: Float32Array.from(src), n, d };
  }
  throw new Error(`unsupported dtype ${descr ?? '?'} (use float32 or float64)`);
}
