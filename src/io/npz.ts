// numpy's .npz: a zip archive of .npy members (np.savez stores them, np.savez_compressed deflates
// them). Members are found through the central directory; a stored member is read by offset like a
// .npy file, a deflated one streamed through DecompressionStream('deflate-raw').
import { IngestError, type Dataset, type IngestOptions, type MetaColumn } from './dataset';
import { decompressChunks } from './gzip';
import { parseNpySource, readNpyHeader, readNpyLabels, type NpyHeader } from './npy';
import { concatAll, parseNpyChunks } from './npy-stream';
import type { FileSource } from './source';
import { applyLabelColumn, toMetaColumn } from './vector-sink';

interface Member {
  key: string;
  method: number;
  compressed: number;
  size: number;
  dataStart: number;
  header: NpyHeader;
}

/** Names an embeddings matrix goes by, best first. */
const VECTOR_KEYS = ['embeddings', 'embedding', 'vectors', 'vector', 'x', 'features', 'data', 'arr_0'];

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

async function* sliceChunks(src: FileSource, a: number, b: number): AsyncGenerator<Uint8Array> {
  for (let at = a; at < b; at += 4 << 20) yield src.slice(at, Math.min(b, at + (4 << 20)));
}

function memberChunks(src: FileSource, m: Omit<Member, 'header'>): AsyncIterable<Uint8Array> {
  const raw = sliceChunks(src, m.dataStart, m.dataStart + m.compressed);
  return m.method === 0 ? raw : decompressChunks(raw, 'deflate-raw', `${src.name}: ${m.key}`);
}

async function listMembers(src: FileSource): Promise<Member[]> {
  const f = src.name;
  const tailStart = Math.max(0, src.size - 65557);
  const tail = await src.slice(tailStart, src.size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new IngestError(`${f} is not a readable .npz (zip) archive: its central directory is missing; the file may be truncated.`);
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  // ZIP64: the real numbers are in the zip64 end record, which a locator just before points to.
  if ((cdOffset === 0xffffffff || count === 0xffff) && eocd >= 20 && u32(tail, eocd - 20) === 0x07064b50) {
    const at = u64(tail, eocd - 20 + 8);
    const rec = await src.slice(at, at + 56);
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdOffset + cdSize > src.size) throw new IngestError(`${f}: the zip central directory (${cdSize} bytes at ${cdOffset}) reaches past the end of the file; it may be truncated.`);
  const cd = await src.slice(cdOffset, cdOffset + cdSize);
  const out: Member[] = [];
  for (let p = 0, k = 0; k < count; k++) {
    if (u32(cd, p) !== 0x02014b50) throw new IngestError(`${f}: the zip central directory is damaged at entry ${k + 1}.`);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    let compressed = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    let local = u32(cd, p + 42);
    const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
    for (let e = p + 46 + nameLen; e < p + 46 + nameLen + extraLen; e += 4 + u16(cd, e + 2)) {
      if (u16(cd, e) !== 1) continue;
      let q = e + 4;
      if (size === 0xffffffff) {
        size = u64(cd, q);
        q += 8;
      }
      if (compressed === 0xffffffff) {
        compressed = u64(cd, q);
        q += 8;
      }
      if (local === 0xffffffff) local = u64(cd, q);
    }
    p += 46 + nameLen + extraLen + u16(cd, p + 32);
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    if (flags & 1) throw new IngestError(`${f}: array '${key}' is encrypted; mapstream reads plain .npz files.`);
    if (method !== 0 && method !== 8)
      throw new IngestError(`${f}: array '${key}' uses zip compression method ${method}; mapstream reads stored and deflated members (np.savez, np.savez_compressed).`);
    const lh = await src.slice(local, local + 30);
    if (lh.length < 30 || u32(lh, 0) !== 0x04034b50) throw new IngestError(`${f}: the zip entry of array '${key}' is missing or damaged; the file may be truncated.`);
    const dataStart = local + 30 + u16(lh, 26) + u16(lh, 28);
    // A stored member is its own bytes; sizes that disagree, or that reach past the archive, are a damaged (or truncated) file.
    if (dataStart + compressed > src.size)
      throw new IngestError(`${f}: array '${key}' claims ${compressed} bytes at offset ${dataStart}, beyond the archive's ${src.size}; the file is truncated or damaged.`);
    if (method === 0 && size !== compressed) throw new IngestError(`${f}: stored array '${key}' has two sizes (${compressed} and ${size} bytes) in the zip directory; the file is damaged.`);
    const m = { key, method, compressed, size, dataStart };
    const head: Uint8Array[] = [];
    let have = 0;
    for await (const c of memberChunks(src, m)) {
      head.push(c);
      have += c.length;
      if (have >= Math.min(size, 4096)) break;
    }
    out.push({ ...m, header: readNpyHeader(concatAll(head), `${f}: ${key}`) });
  }
  return out;
}

const shapeText = (m: Member) => `'${m.key}' ${m.header.descr} (${m.header.shape.join(', ')}${m.header.shape.length === 1 ? ',' : ''})`;

/** The vectors (a chosen key, else a 2-D float array named like embeddings, else the first 2-D one) and 1-D arrays of the same length as metadata. */
export async function parseNpzSource(src: FileSource, opts: IngestOptions = {}): Promise<Dataset> {
  const f = src.name;
  const members = await listMembers(src);
  if (members.length === 0) throw new IngestError(`${f} holds no .npy arrays; an .npz from np.savez holds one member per array.`);
  const twoD = members.filter((m) => m.header.shape.length === 2);
  let main: Member | undefined;
  if (opts.vectorField !== undefined) {
    main = members.find((m) => m.key === opts.vectorField);
    if (main?.header.shape.length !== 2)
      throw new IngestError(`${f}: '${opts.vectorField}' is not a 2-D array in this archive (its arrays: ${members.map(shapeText).join(', ')}).`, { column: opts.vectorField });
  } else {
    const isFloat = (m: Member) => /f\d+$/.test(m.header.descr);
    main = VECTOR_KEYS.map((k) => twoD.find((m) => m.key.toLowerCase() === k && isFloat(m))).find((m) => m) ?? twoD.find(isFloat) ?? twoD[0];
  }
  if (!main) throw new IngestError(`${f} has no 2-D array to use as the vectors (its arrays: ${members.map(shapeText).join(', ')}); mapstream needs one of shape (points, dimensions).`);
  const name = `${f}: ${main.key}`;
  const { onPreview } = opts;
  const inner: IngestOptions = { ...opts };
  const perRow = (m: Member) => m !== main && m.header.shape[0] === main.header.shape[0] && (m.header.shape.length === 1 || (m.header.shape.length === 2 && m.header.shape[1] === 1));
  // The 1-D arrays are read after the vectors, but their headers already say which ones will be metadata.
  const metaColumns = members.filter(perRow).map((m) => m.key);
  if (onPreview) inner.onPreview = (p) => onPreview({ ...p, fileName: f, format: 'npz', vectorField: main.key, vectorCandidates: twoD.map((m) => m.key), metaColumns });
  const ds =
    main.method === 0
      ? await parseNpySource({ ...subSource(src, main), name }, inner)
      : await parseNpyChunks(name, memberChunks(src, main), inner, (at) => opts.onProgress?.({ fileName: f, bytes: at, totalBytes: main.size, rows: 0 }));
  const n = ds.n;
  const metadata: MetaColumn[] = [];
  for (const m of members) {
    if (!perRow(m) || m.header.shape[0] !== n) continue;
    const parts: Uint8Array[] = [];
    for await (const c of memberChunks(src, m)) parts.push(c);
    const col = readNpyLabels(concatAll(parts), `${f}: ${m.key}`);
    metadata.push(toMetaColumn(m.key, col.labels));
  }
  return applyLabelColumn({ ...ds, fileName: f, format: 'npz', vectorField: main.key, vectorCandidates: twoD.map((m) => m.key), ...(metadata.length > 0 && { metadata }) });
}

/** A stored member as a file of its own, so the .npy reader reads it by offset. */
function subSource(src: FileSource, m: Member): FileSource {
  const a = m.dataStart;
  return {
    name: src.name,
    size: m.size,
    head: (n) => src.slice(a, a + Math.min(n, m.size)),
    slice: (x, y) => src.slice(a + x, a + Math.min(y, m.size)),
    byteChunks: () => sliceChunks(src, a, a + m.size),
  };
}
