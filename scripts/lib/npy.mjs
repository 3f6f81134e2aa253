// Minimal .npy (format 1.0–3.0) reader/writer for the benchmark. C order only: every file we make or
// consume is row-major, and silently transposing a Fortran-order file would corrupt the benchmark.
import { open, readFile, writeFile } from 'node:fs/promises';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
};

export class NpyError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NpyError';
  }
}

/** Parse the header; returns { descr, fortranOrder, shape, dataOffset }. */
export function parseNpyHeader(bytes, label = 'input') {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(`${label} is not a .npy file (missing the \\x93NUMPY magic).`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen;
  let start;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError(`${label}: unsupported .npy format version ${major}.`);
  }
  if (bytes.length < start + headerLen) throw new NpyError(`${label}: truncated .npy header.`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`${label}: malformed .npy header: ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

/** Decode a whole .npy buffer into { shape, descr, data } with data in its native typed-array type. */
export function decodeNpy(bytes, label = 'input') {
  const { descr, fortranOrder, shape, dataOffset } = parseNpyHeader(bytes, label);
  if (fortranOrder) throw new NpyError(`${label}: Fortran-order arrays are not supported; save with np.ascontiguousarray.`);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const Ctor = m && DTYPES[`${m[2] === 'b' ? 'u' : m[2]}${m[3]}`];
  if (!m || !Ctor) throw new NpyError(`${label}: unsupported dtype ${descr}.`);
  if (m[1] === '>' && Ctor.BYTES_PER_ELEMENT > 1) throw new NpyError(`${label}: big-endian dtype ${descr} is not supported.`);
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.length - dataOffset < byteLength) {
    throw new NpyError(`${label}: truncated data (${bytes.length - dataOffset} bytes, shape ${JSON.stringify(shape)} needs ${byteLength}).`);
  }
  // Copy so the typed array is aligned whatever the header length was.
  const aligned = new Uint8Array(byteLength);
  aligned.set(bytes.subarray(dataOffset, dataOffset + byteLength));
  return { shape, descr, data: new Ctor(aligned.buffer) };
}

export async function readNpy(path) {
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new NpyError(err.code === 'ENOENT' ? `File not found: ${path}` : `Cannot read ${path}: ${err.message}`);
  }
  return decodeNpy(bytes, path);
}

/** Only the header, without reading the data: cheap validation of large inputs. */
export async function readNpyHeader(path) {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new NpyError(err.code === 'ENOENT' ? `File not found: ${path}` : `Cannot read ${path}: ${err.message}`);
  }
  try {
    const buf = Buffer.alloc(65536 + 12);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return parseNpyHeader(buf.subarray(0, bytesRead), path);
  } finally {
    await fh.close();
  }
}

export function toFloat32(data) {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

const DESCR_OF = new Map([
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int32Array, '<i4'],
  [Uint8Array, '|u1'],
  [Int8Array, '|i1'],
]);

/** Encode a typed array as a C-order .npy (format 1.0, header padded to 64 bytes as numpy does). */
export function encodeNpy(data, shape) {
  const descr = DESCR_OF.get(data.constructor);
  if (!descr) throw new NpyError(`encodeNpy: unsupported array type ${data.constructor.name}.`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyError(`encodeNpy: shape ${JSON.stringify(shape)} does not match ${data.length} elements.`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  Buffer.from(MAGIC).copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 10 + header.length);
  return out;
}

export async function writeNpy(path, data, shape) {
  await writeFile(path, encodeNpy(data, shape));
}
