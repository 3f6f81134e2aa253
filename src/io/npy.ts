import { IngestError, type Dataset, type LabelColumn } from './dataset';

// NumPy's .npy format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  version: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first element, from the start of the file. */
  dataOffset: number;
}

export function hasNpyMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function readNpyHeader(bytes: Uint8Array, fileName = 'file'): NpyHeader {
  if (bytes.length === 0) throw new IngestError(`${fileName} is empty.`);
  if (!hasNpyMagic(bytes)) throw new IngestError(`${fileName} is not a .npy file: it does not start with the \\x93NUMPY magic string.`);
  if (bytes.length < 10) throw new IngestError(`${fileName} is truncated inside the .npy header.`);
  const version = bytes[6]!;
  if (version < 1 || version > 3) throw new IngestError(`${fileName} uses .npy format version ${version}; mapstream reads versions 1–3.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = version === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new IngestError(`${fileName} is truncated inside the .npy header.`);
  const headerLen = version === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = prefix + headerLen;
  if (bytes.length < dataOffset)
    throw new IngestError(`${fileName} is truncated: the .npy header says it is ${headerLen} bytes but the file ends first.`);
  // v1/v2 headers are latin1/ASCII, v3 is UTF-8; the keys we read are ASCII either way.
  const text = new TextDecoder(version === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(prefix, dataOffset));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new IngestError(`${fileName} has a malformed .npy header (expected descr, fortran_order and shape): ${text.trim().slice(0, 120)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new IngestError(`${fileName} has an invalid shape (${shapeText}) in its .npy header.`);
  return { version, descr, fortranOrder: fortran === 'True', shape, dataOffset };
}

interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b' | 'U';
  size: number;
}

/** Parse a dtype string such as '<f4' or '|u1'; big-endian multi-byte types are not supported. */
function parseDescr(descr: string): Dtype | null {
  const m = /^([<>|=]?)([fiubU])(\d+)$/.exec(descr);
  if (!m) return null;
  const order = m[1]!;
  const kind = m[2] as Dtype['kind'];
  const size = Number(m[3]);
  // Browsers are little-endian; big-endian data would need byte swapping we do not do.
  if (order === '>' && (kind === 'U' || size > 1)) return null;
  return { kind, size };
}

function checkLength(bytes: Uint8Array, h: NpyHeader, itemBytes: number, fileName: string): void {
  const count = h.shape.reduce((a, b) => a * b, 1);
  const expected = count * itemBytes;
  const actual = bytes.length - h.dataOffset;
  if (actual < expected)
    throw new IngestError(
      `${fileName} is truncated: its header says shape (${h.shape.join(', ')}) of ${h.descr}, which needs ${expected} bytes of data, but the file has only ${actual}.`,
    );
}

function toBytes(input: ArrayBuffer | Uint8Array): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/** Read a 2-D float32/float64 C-order array as the embedding matrix. */
export function parseNpy(input: ArrayBuffer | Uint8Array, fileName = 'file.npy'): Dataset {
  const bytes = toBytes(input);
  const h = readNpyHeader(bytes, fileName);
  if (h.descr !== '<f4' && h.descr !== '<f8' && h.descr !== '=f4' && h.descr !== '=f8')
    throw new IngestError(`${fileName}: unsupported dtype '${h.descr}'; mapstream reads float32 and float64 (little-endian).`);
  if (h.fortranOrder)
    throw new IngestError(`${fileName} is stored in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(x)).`);
  if (h.shape.length !== 2)
    throw new IngestError(
      `${fileName} has shape (${h.shape.join(', ')}${h.shape.length === 1 ? ',' : ''}), a ${h.shape.length}-D array; mapstream needs a 2-D array of shape (points, dimensions).`,
    );
  const [n, d] = h.shape as [number, number];
  if (n === 0 || d === 0) throw new IngestError(`${fileName} has shape (${n}, ${d}): there are no values to map.`);
  const itemBytes = h.descr.endsWith('8') ? 8 : 4;
  checkLength(bytes, h, itemBytes, fileName);

  const start = bytes.byteOffset + h.dataOffset;
  const count = n * d;
  let data: Float32Array;
  if (itemBytes === 4) {
    // slice() copies into a fresh, aligned buffer we own and can transfer.
    data = new Float32Array(bytes.buffer.slice(start, start + count * 4));
  } else {
    const src = new Float64Array(bytes.buffer.slice(start, start + count * 8));
    data = new Float32Array(src);
  }
  checkFinite(data, d, fileName);
  return { data, n, d, columns: Array.from({ length: d }, (_, j) => `c${j}`), fileName };
}

/** Float64 values beyond float32's range become ±Infinity on conversion, so this also catches overflow. */
export function checkFinite(data: Float32Array, d: number, fileName: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / d);
      const col = i % d;
      const what = Number.isNaN(v) ? 'NaN' : 'an infinite value';
      throw new IngestError(
        `${fileName} contains ${what} at row ${row + 1}, column ${col + 1} (0-based [${row}, ${col}]); mapstream needs finite numbers.`,
        { row: row + 1, column: String(col + 1) },
      );
    }
  }
}

/** Read a 1-D (or n × 1) integer, bool, float or unicode array as one label per row. */
export function readNpyLabels(input: ArrayBuffer | Uint8Array, fileName = 'labels.npy'): LabelColumn {
  const bytes = toBytes(input);
  const h = readNpyHeader(bytes, fileName);
  const dt = parseDescr(h.descr);
  if (!dt || (dt.kind !== 'U' && ![1, 2, 4, 8].includes(dt.size)))
    throw new IngestError(`${fileName}: unsupported label dtype '${h.descr}'; labels can be integers, booleans, floats or unicode strings.`);
  const is1d = h.shape.length === 1 || (h.shape.length === 2 && h.shape[1] === 1);
  if (!is1d) throw new IngestError(`${fileName} has shape (${h.shape.join(', ')}); a labels file must be 1-D (one label per point).`);
  const n = h.shape[0]!;
  const itemBytes = dt.kind === 'U' ? dt.size * 4 : dt.size;
  checkLength(bytes, h, itemBytes, fileName);
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, n * itemBytes);
  const labels = new Array<string>(n);
  for (let i = 0; i < n; i++) labels[i] = readLabel(view, i * itemBytes, dt);
  return { labels, fileName };
}

function readLabel(view: DataView, off: number, dt: Dtype): string {
  switch (dt.kind) {
    case 'b':
      return view.getUint8(off) ? 'True' : 'False';
    case 'u':
      if (dt.size === 1) return String(view.getUint8(off));
      if (dt.size === 2) return String(view.getUint16(off, true));
      if (dt.size === 4) return String(view.getUint32(off, true));
      return String(view.getBigUint64(off, true));
    case 'i':
      if (dt.size === 1) return String(view.getInt8(off));
      if (dt.size === 2) return String(view.getInt16(off, true));
      if (dt.size === 4) return String(view.getInt32(off, true));
      return String(view.getBigInt64(off, true));
    case 'f':
      if (dt.size === 4) return String(view.getFloat32(off, true));
      if (dt.size === 8) return String(view.getFloat64(off, true));
      return String(getFloat16(view.getUint16(off, true)));
    case 'U': {
      // Fixed-width UTF-32LE, NUL-padded.
      let s = '';
      for (let k = 0; k < dt.size; k++) {
        const cp = view.getUint32(off + k * 4, true);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
  }
}

function getFloat16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 0x1f) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
