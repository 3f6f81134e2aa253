import { IngestError, type Dataset, type IngestOptions, type LabelColumn } from './dataset';
import type { FileSource } from './source';
import { sinkOptions, VectorSink } from './vector-sink';

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
  if (bytes.length < dataOffset) throw new IngestError(`${fileName} is truncated: the .npy header says it is ${headerLen} bytes but the file ends first.`);
  // v1/v2 headers are latin1/ASCII, v3 is UTF-8; the keys we read are ASCII either way.
  const text = new TextDecoder(version === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(prefix, dataOffset));

  if (/'descr'\s*:\s*\[/.test(text))
    throw new IngestError(`${fileName} holds a structured (record) dtype; mapstream needs a plain numeric 2-D array, e.g. np.save(path, x.astype(np.float32)).`);
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
    throw new IngestError(`${fileName} is truncated: its header says shape (${h.shape.join(', ')}) of ${h.descr}, which needs ${expected} bytes of data, but the file has only ${actual}.`);
}

function toBytes(input: ArrayBuffer | Uint8Array): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

export interface VectorPlan {
  h: NpyHeader;
  n: number;
  d: number;
  item: number;
  /** Bytes → float32 values, appended into dst. */
  convert(bytes: Uint8Array, dst: Float32Array, dstOffset: number, count: number): void;
}

const F16 = (() => {
  const t = new Float32Array(65536);
  for (let i = 0; i < 65536; i++) t[i] = getFloat16(i);
  return t;
})();

/** Check dtype, order, shape and length up front, so a bad file fails before any row is read. */
export function planVectors(h: NpyHeader, fileName: string, fileBytes: number): VectorPlan {
  const dt = parseDescr(h.descr);
  const supported = dt && ((dt.kind === 'f' && [2, 4, 8].includes(dt.size)) || ((dt.kind === 'i' || dt.kind === 'u') && [1, 2, 4].includes(dt.size)));
  if (!dt || !supported) {
    const why = h.descr === '|O' || h.descr === 'O' ? ' (Python objects cannot be read outside Python)' : '';
    throw new IngestError(`${fileName}: unsupported dtype '${h.descr}'${why}; mapstream reads float16/32/64, int8/16/32 and uint8/16/32 (little-endian), and int64 only as labels.`);
  }
  if (h.shape.length !== 2)
    throw new IngestError(
      `${fileName} has shape (${h.shape.join(', ')}${h.shape.length === 1 ? ',' : ''}), a ${h.shape.length}-D array; mapstream needs a 2-D array of shape (points, dimensions).`,
    );
  const [n, d] = h.shape as [number, number];
  if (n === 0 || d === 0) throw new IngestError(`${fileName} has shape (${n}, ${d}): there are no values to map.`);
  const item = dt.size;
  const expected = n * d * item;
  const actual = fileBytes - h.dataOffset;
  if (actual < expected)
    throw new IngestError(`${fileName} is truncated: its header says shape (${h.shape.join(', ')}) of ${h.descr}, which needs ${expected} bytes of data, but the file has only ${actual}.`);
  if (actual > expected)
    throw new IngestError(
      `${fileName}: its header says shape (${h.shape.join(', ')}) of ${h.descr}, which is ${expected} bytes of data, but the file has ${actual}; the header's shape is wrong.`,
    );
  const kind = dt.kind;
  const Ctor =
    kind === 'f'
      ? item === 8
        ? Float64Array
        : item === 4
          ? Float32Array
          : Uint16Array
      : kind === 'i'
        ? item === 1
          ? Int8Array
          : item === 2
            ? Int16Array
            : Int32Array
        : item === 1
          ? Uint8Array
          : item === 2
            ? Uint16Array
            : Uint32Array;
  const half = kind === 'f' && item === 2;
  return {
    h,
    n,
    d,
    item,
    convert(bytes, dst, at, count) {
      // Typed arrays need aligned offsets; a slice() of an odd offset gives an aligned copy.
      const b = bytes.byteOffset % item === 0 ? bytes : bytes.slice();
      const src = new Ctor(b.buffer as ArrayBuffer, b.byteOffset, count);
      if (half) for (let k = 0; k < count; k++) dst[at + k] = F16[src[k]!]!;
      // set() converts every numeric kind to float32 (float64 rounds, overflow becomes ±Inf).
      else dst.set(src, at);
    },
  };
}

const BLOCK_BYTES = 8 << 20;

/** Rows per read: about 8 MB for C order; larger for Fortran order, which needs one read per column. */
function rowsPerBlock(p: VectorPlan): number {
  const perRow = p.d * p.item;
  return Math.max(1, Math.floor((p.h.fortranOrder ? 4 * BLOCK_BYTES : BLOCK_BYTES) / perRow));
}

/** Byte ranges holding rows [r0, r1): one for C order, one per column for Fortran order. */
function blockRanges(p: VectorPlan, r0: number, r1: number): [number, number][] {
  const { h, n, d, item } = p;
  if (!h.fortranOrder) return [[h.dataOffset + r0 * d * item, h.dataOffset + r1 * d * item]];
  const out: [number, number][] = [];
  for (let j = 0; j < d; j++) out.push([h.dataOffset + (j * n + r0) * item, h.dataOffset + (j * n + r1) * item]);
  return out;
}

function fillBlock(p: VectorPlan, parts: Uint8Array[], r0: number, r1: number, sink: VectorSink, scratch: Float32Array): void {
  const { d } = p;
  const rows = r1 - r0;
  if (!p.h.fortranOrder) {
    p.convert(parts[0]!, scratch, 0, rows * d);
  } else {
    const col = new Float32Array(rows);
    for (let j = 0; j < d; j++) {
      p.convert(parts[j]!, col, 0, rows);
      for (let r = 0; r < rows; r++) scratch[r * d + j] = col[r]!;
    }
  }
  for (let r = 0; r < rows; r++) {
    sink.slot().set(scratch.subarray(r * d, (r + 1) * d));
    sink.commit(r0 + r + 1);
  }
}

/** Read a 2-D numeric array (any supported dtype, C or Fortran order) as the embedding matrix. */
export function parseNpy(input: ArrayBuffer | Uint8Array, fileName = 'file.npy', opts: IngestOptions = {}): Dataset {
  const bytes = toBytes(input);
  const h = readNpyHeader(bytes, fileName);
  const p = planVectors(h, fileName, bytes.length);
  const sink = new VectorSink(sinkOptions(fileName, 'npy', bytes.length, opts), p.n);
  sink.begin(p.d);
  const step = rowsPerBlock(p);
  const scratch = new Float32Array(Math.min(step, p.n) * p.d);
  for (let r0 = 0; r0 < p.n; r0 += step) {
    const r1 = Math.min(p.n, r0 + step);
    fillBlock(
      p,
      blockRanges(p, r0, r1).map(([a, b]) => bytes.subarray(a, b)),
      r0,
      r1,
      sink,
      scratch,
    );
  }
  return sink.finish();
}

/** The same, streamed from a file in blocks of a few MB, so the file is never held whole. */
export async function parseNpySource(src: FileSource, opts: IngestOptions = {}): Promise<Dataset> {
  const head = await src.head(Math.min(src.size, 1 << 16));
  const h = readNpyHeader(head, src.name);
  const p = planVectors(h, src.name, src.size);
  const sink = new VectorSink(sinkOptions(src.name, 'npy', src.size, opts), p.n);
  sink.begin(p.d);
  opts.onPreview?.({
    fileName: src.name,
    format: 'npy',
    columns: [],
    rows: [],
    d: p.d,
    vectorColumns: [`${h.descr} × ${p.d}${h.fortranOrder ? ' (Fortran order)' : ''}`],
    metaColumns: [],
    rowsKnown: p.n,
  });
  const step = rowsPerBlock(p);
  const scratch = new Float32Array(Math.min(step, p.n) * p.d);
  for (let r0 = 0; r0 < p.n; r0 += step) {
    const r1 = Math.min(p.n, r0 + step);
    const parts = await Promise.all(blockRanges(p, r0, r1).map(([a, b]) => src.slice(a, b)));
    fillBlock(p, parts, r0, r1, sink, scratch);
    sink.progress(h.dataOffset + r1 * p.d * p.item);
  }
  sink.progress(src.size, true);
  return sink.finish();
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
