// The hand-made cases every run includes: shapes declared far beyond the bytes given, deeply nested
// JSON, 1 MB single lines, and text in UTF-16 (with a BOM) or Latin-1.
import { parquetMetadata } from 'hyparquet';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { encodeNpy, gzip, npz, wideParquet } from '../helpers/format-fixtures';
import { listParquet } from './corpus';
import { npyHeader } from '../../bench/npy-writer';
import type { FuzzCase, FuzzFile } from './run-case';

const text = (s: string) => new TextEncoder().encode(s);
const f = (name: string, bytes: Uint8Array): FuzzFile => ({ name, bytes });
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** A .npy header that declares `shape` followed by only `body` bytes of data. */
function lyingNpy(descr: string, shape: number[], body = 100, fortran = false): Uint8Array {
  return cat(npyHeader(descr, shape, fortran), new Uint8Array(body).fill(0x3f));
}

function utf16(s: string, be: boolean): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = be ? 0xfe : 0xff;
  out[1] = be ? 0xff : 0xfe;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + i * 2 + (be ? 1 : 0)] = c & 255;
    out[2 + i * 2 + (be ? 0 : 1)] = c >> 8;
  }
  return out;
}

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);
}

/** A Parquet file whose footer says what `edit` makes it say; the pages are the real ones. */
function parquetClaiming(bytes: Uint8Array, edit: (m: ReturnType<typeof parquetMetadata>) => void): Uint8Array {
  const metaLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  edit(meta);
  const w = new ByteWriter();
  writeMetadata(w, meta as never);
  const footer = new Uint8Array(w.getBuffer());
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, footer.length, true);
  return cat(bytes.subarray(0, bytes.length - 8 - metaLen), footer, len, text('PAR1'));
}

type Meta = ReturnType<typeof parquetMetadata>;

/** Every row group claims `rows`. */
function groupsClaim(m: Meta, rows: bigint): void {
  for (const g of m.row_groups) g.num_rows = rows;
}

/** The footer and the first row group claim `rows` (the others none): a consistent lie. */
function allClaim(m: Meta, rows: bigint): void {
  m.num_rows = rows;
  m.row_groups.forEach((g, i) => {
    g.num_rows = i === 0 ? rows : 0n;
  });
}

/** Every column chunk's metadata edited. */
function chunksClaim(m: Meta, edit: (c: NonNullable<Meta['row_groups'][number]['columns'][number]['meta_data']>) => void): void {
  for (const g of m.row_groups) for (const c of g.columns) edit(c.meta_data!);
}

const WIDE = wideParquet(
  Float32Array.from({ length: 60 }, (_, k) => k * 0.5),
  20,
  3,
  [],
  10,
);
const LIST = listParquet();

const CSV_ROWS = 'a,b,label\n1,2,x\n3,4,y\n5,6,z\n';
const MB = 1 << 20;

/** Special cases by parser id (parsers.ts). */
export function specials(): Record<string, FuzzCase[]> {
  const big = 10 ** 12;
  const good = encodeNpy(
    Float32Array.from({ length: 40 }, (_, k) => k),
    [10, 4],
  );
  const deep = (k: number) => '['.repeat(k) + ']'.repeat(k);
  const deepObj = (k: number) => '{"a":'.repeat(k) + '1' + '}'.repeat(k);
  return {
    npy: [
      { what: 'npy declaring 10^12 × 4 float32 in 100 bytes', files: [f('huge.npy', lyingNpy('<f4', [big, 4]))] },
      { what: 'npy declaring 10^7 × 64 in 100 bytes', files: [f('huge.npy', lyingNpy('<f4', [1e7, 64]))] },
      { what: 'Fortran npy declaring 10^12 × 2', files: [f('huge.npy', lyingNpy('<f8', [big, 2], 100, true))] },
      { what: 'npy declaring 2^60 × 2^60', files: [f('huge.npy', lyingNpy('<f4', [2 ** 60, 2 ** 60]))] },
      { what: 'npy of 9 dimensions', files: [f('nd.npy', lyingNpy('<f4', [2, 2, 2, 2, 2, 2, 2, 2, 2], 2048))] },
      { what: 'labels npy declaring 10^12 labels', files: [f('v.npy', good), f('v.labels.npy', lyingNpy('<i8', [big]))] },
      { what: 'labels npy declaring 10^9 unicode labels', files: [f('v.npy', good), f('v.labels.npy', lyingNpy('<U64', [1e9]))] },
      { what: 'npy v2 header length 0xffffffff', files: [f('v2.npy', cat(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0xff, 0xff, 0xff, 0xff), text("{'descr': '<f4'")))] },
    ],
    npz: [
      { what: 'npz whose stored member declares 10^12 × 4', files: [f('huge.npz', npz({ embeddings: lyingNpy('<f4', [big, 4]) }, false))] },
      { what: 'npz whose deflated member declares 10^12 × 4', files: [f('huge.npz', npz({ embeddings: lyingNpy('<f4', [big, 4]) }, true))] },
      { what: 'npz whose deflated member declares 10^8 × 8', files: [f('huge.npz', npz({ x: lyingNpy('<f4', [1e8, 8], 4096) }, true))] },
      { what: 'npz with a labels member declaring 10^12', files: [f('l.npz', npz({ x: good, labels: lyingNpy('<i8', [10]) }, true))] },
      {
        what: 'npz end record claiming 65535 entries',
        files: [
          f(
            'count.npz',
            eocdEdit(npz({ x: good }, false), (v, at) => v.setUint16(at + 10, 0xffff, true)),
          ),
        ],
      },
      {
        what: 'npz end record claiming a 4 GB central directory',
        files: [
          f(
            'cd.npz',
            eocdEdit(npz({ x: good }, false), (v, at) => v.setUint32(at + 12, 0xfffffff0, true)),
          ),
        ],
      },
      {
        what: 'npz end record pointing past the file',
        files: [
          f(
            'off.npz',
            eocdEdit(npz({ x: good }, false), (v, at) => v.setUint32(at + 16, 0x7ffffff0, true)),
          ),
        ],
      },
    ],
    gzip: [
      { what: 'gzip npy declaring 10^12 × 4', files: [f('huge.npy.gz', gzip(lyingNpy('<f4', [big, 4])))] },
      { what: 'gzip npy declaring 10^8 × 8', files: [f('big.npy.gz', gzip(lyingNpy('<f4', [1e8, 8], 4096)))] },
      { what: 'gzip csv of a 1 MB single line', files: [f('line.csv.gz', gzip(`a,b\n${'9'.repeat(MB)},1\n2,3\n`))] },
      { what: 'gzip whose trailer claims 4 GB', files: [f('isize.csv.gz', trailerEdit(gzip(CSV_ROWS)))] },
      { what: 'gzip holding only a gzip header', files: [f('head.csv.gz', gzip(CSV_ROWS).subarray(0, 10))] },
    ],
    csv: [
      { what: 'csv of one 1 MB line of text', files: [f('line.csv', text('x'.repeat(MB)))] },
      { what: 'csv of one 1 MB line of numbers', files: [f('line.csv', text(Array.from({ length: MB / 4 }, (_, i) => i % 100).join(',')))] },
      { what: 'csv with a 1 MB quoted cell', files: [f('cell.csv', text(`a,b,label\n1,2,"${'y'.repeat(MB)}"\n3,4,z\n5,6,w\n`))] },
      { what: 'csv with an unclosed 1 MB quote', files: [f('quote.csv', text(`a,b,label\n1,2,"${'y\n'.repeat(MB / 2)}`))] },
      { what: 'csv in UTF-16LE with a BOM', files: [f('utf16le.csv', utf16(CSV_ROWS, false))] },
      { what: 'csv in UTF-16BE with a BOM', files: [f('utf16be.csv', utf16(CSV_ROWS, true))] },
      { what: 'csv in Latin-1', files: [f('latin1.csv', latin1('a,b,nom\n1,2,café\n3,4,naïve\n5,6,über\n'))] },
      { what: 'csv of NUL bytes', files: [f('nul.csv', new Uint8Array(4096))] },
      { what: 'csv whose first row is ragged', files: [f('ragged1.csv', text('a,b\n1,2,3\n4,5\n6,7\n'))] },
      { what: 'csv without a header whose first row is ragged', files: [f('ragged2.csv', text('1,2\n3,4,5\n6,7\n8,9\n'))] },
    ],
    tsv: [
      { what: 'tsv in UTF-16LE with a BOM', files: [f('utf16.tsv', utf16(CSV_ROWS.replaceAll(',', '\t'), false))] },
      { what: 'tsv of one 1 MB line', files: [f('line.tsv', text('1\t'.repeat(MB / 2)))] },
    ],
    json: [
      { what: 'json nested 100,000 deep inside a row', files: [f('deep.json', text(`[${deep(100_000)}]`))] },
      { what: 'json nested 100,000 deep in a metadata field', files: [f('deep.json', text(`[{"embedding":[1,2],"m":${deep(100_000)}},{"embedding":[3,4],"m":1}]`))] },
      { what: 'json objects nested 50,000 deep', files: [f('deep.json', text(`[{"embedding":[1,2],"m":${deepObj(50_000)}},{"embedding":[3,4],"m":2}]`))] },
      { what: 'json rows nested deep as the vector', files: [f('deep.json', text(`[{"embedding":[${deep(50_000)}]},{"embedding":[1]}]`))] },
      { what: 'json of a 1 MB single line', files: [f('line.json', text(`[[${Array.from({ length: MB / 4 }, (_, i) => i % 10).join(',')}],[1]]`))] },
      { what: 'json of a 1 MB string', files: [f('str.json', text(`[{"embedding":[1,2],"s":"${'s'.repeat(MB)}"},{"embedding":[3,4],"s":"t"}]`))] },
      { what: 'json in UTF-16LE with a BOM', files: [f('utf16.json', utf16('[[1,2],[3,4],[5,6]]', false))] },
      { what: 'json in Latin-1', files: [f('latin1.json', latin1('[{"embedding":[1,2],"n":"café"},{"embedding":[3,4],"n":"é"}]'))] },
      { what: 'json with an unclosed 1 MB string', files: [f('open.json', text(`[["${'x'.repeat(MB)}`))] },
    ],
    jsonl: [
      { what: 'jsonl nested 100,000 deep on a line', files: [f('deep.jsonl', text(`${deep(100_000)}\n[1,2]\n[3,4]\n`))] },
      { what: 'jsonl with a deep metadata field', files: [f('deep.jsonl', text(`{"embedding":[1,2],"m":${deep(100_000)}}\n{"embedding":[3,4],"m":1}\n`))] },
      { what: 'jsonl of one 1 MB line', files: [f('line.jsonl', text(`[${'1,'.repeat(MB / 2)}1]`))] },
      { what: 'jsonl in UTF-16LE with a BOM', files: [f('utf16.jsonl', utf16('[1,2]\n[3,4]\n[5,6]\n', false))] },
    ],
    'parquet-wide': [
      {
        what: 'parquet footer claiming 10^12 rows',
        files: [
          f(
            'rows.parquet',
            parquetClaiming(WIDE, (m) => {
              m.num_rows = BigInt(10 ** 12);
            }),
          ),
        ],
      },
      {
        what: 'parquet row groups claiming 2^40 rows each',
        files: [
          f(
            'rg.parquet',
            parquetClaiming(WIDE, (m) => groupsClaim(m, 2n ** 40n)),
          ),
        ],
      },
      {
        what: 'parquet footer and row groups claiming 2^40 rows',
        files: [
          f(
            'rg.parquet',
            parquetClaiming(WIDE, (m) => allClaim(m, 2n ** 40n)),
          ),
        ],
      },
      {
        what: 'parquet column chunks claiming 2^40 bytes',
        files: [
          f(
            'size.parquet',
            parquetClaiming(WIDE, (m) =>
              chunksClaim(m, (c) => {
                c.total_compressed_size = 2n ** 40n;
              }),
            ),
          ),
        ],
      },
      {
        what: 'parquet column chunks starting past the file',
        files: [
          f(
            'off.parquet',
            parquetClaiming(WIDE, (m) =>
              chunksClaim(m, (c) => {
                c.data_page_offset = 2n ** 40n;
              }),
            ),
          ),
        ],
      },
      { what: 'parquet footer length claiming 2 GB', files: [f('len.parquet', footerLen(wideParquet(new Float32Array(6), 2, 3), 0x7fffffff))] },
    ],
    'parquet-list': [
      {
        what: 'parquet list file whose footer claims 10^12 rows',
        files: [
          f(
            'rows.parquet',
            parquetClaiming(LIST, (m) => {
              m.num_rows = BigInt(10 ** 12);
            }),
          ),
        ],
      },
      {
        what: 'parquet list file whose footer and row groups claim 2^40 rows',
        files: [
          f(
            'rg.parquet',
            parquetClaiming(LIST, (m) => allClaim(m, 2n ** 40n)),
          ),
        ],
      },
    ],
    metadata: [
      { what: 'metadata.tsv of one 1 MB line', files: [f('vectors.tsv', text('1\t2\n3\t4\n')), f('metadata.tsv', text('x'.repeat(MB)))] },
      { what: 'metadata.tsv in UTF-16LE', files: [f('vectors.tsv', text('1\t2\n3\t4\n')), f('metadata.tsv', utf16('a\nb\n', false))] },
      { what: 'metadata.tsv in Latin-1', files: [f('vectors.tsv', text('1\t2\n3\t4\n')), f('metadata.tsv', latin1('café\nnaïve\n'))] },
    ],
  };
}

function eocdEdit(zip: Uint8Array, edit: (v: DataView, at: number) => void): Uint8Array {
  const out = zip.slice();
  edit(new DataView(out.buffer), out.length - 22);
  return out;
}

function trailerEdit(gz: Uint8Array): Uint8Array {
  const out = gz.slice();
  new DataView(out.buffer).setUint32(out.length - 4, 0xfffffff0, true);
  return out;
}

function footerLen(pq: Uint8Array, len: number): Uint8Array {
  const out = pq.slice();
  new DataView(out.buffer).setUint32(out.length - 8, len, true);
  return out;
}
