// The good files each parser is fuzzed from: small ones generated here in every layout the readers
// take, plus the committed fixtures and the digits demo. Each entry is one case's files; `target` is
// the one that gets mutated (the others, like a Projector vectors.tsv, stay good).
import { compressionRegistry, CompressionType } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readFileSync } from 'node:fs';
import { encodeNpy, fixedListArrow, gzip, int64Npy, npz, wideArrow, wideParquet } from '../helpers/format-fixtures';
import { makeNpy } from '../io.fixtures';
import type { FuzzFile } from './run-case';

export interface Fixture {
  files: FuzzFile[];
  target: number;
}

const n = 40;
const d = 6;
const data = Float32Array.from({ length: n * d }, (_, k) => Math.fround(Math.sin(k * 0.37) * 3));
const labels = Array.from({ length: n }, (_, i) => `c${i % 3}`);
const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
const text = (s: string) => new TextEncoder().encode(s);
const read = (url: string) => new Uint8Array(readFileSync(new URL(url, import.meta.url)));

const one = (name: string, bytes: Uint8Array): Fixture => ({ files: [{ name, bytes }], target: 0 });

function csvText(delim: string): string {
  return [['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'label'].join(delim), ...rows.map((r, i) => [...r, i % 2 ? `"q${delim}x"` : labels[i]].join(delim))].join('\r\n');
}

/** Frames of stored blocks: valid LZ4 (Node has no LZ4 compressor), taking the same path through arrow-js as compressed ones. */
function lz4Stored(b: Uint8Array): Uint8Array {
  const parts: number[] = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0];
  for (let at = 0; at < b.length; at += 1 << 16) {
    const block = b.subarray(at, at + (1 << 16));
    const size = (block.length | 0x80000000) >>> 0;
    parts.push(size & 255, (size >>> 8) & 255, (size >>> 16) & 255, size >>> 24, ...block);
  }
  parts.push(0, 0, 0, 0);
  return Uint8Array.from(parts);
}

function lz4Feather(): Uint8Array {
  const codec = compressionRegistry.get(CompressionType.LZ4_FRAME)!;
  compressionRegistry.set(CompressionType.LZ4_FRAME, { ...codec, encode: lz4Stored });
  try {
    return wideArrow(data, n, d, { label: labels }, 'file', CompressionType.LZ4_FRAME);
  } finally {
    compressionRegistry.set(CompressionType.LZ4_FRAME, codec);
  }
}

export function listParquet(): Uint8Array {
  const schema = [
    { name: 'root', num_children: 2 },
    { name: 'embedding', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
    { name: 'element', type: 'FLOAT' as const, repetition_type: 'OPTIONAL' as const },
    { name: 'label', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
  ];
  return new Uint8Array(
    parquetWriteBuffer({
      schema,
      columnData: [
        { name: 'embedding', data: rows as never },
        { name: 'label', data: labels },
      ],
      pageSize: 256,
      rowGroupSize: 16,
    }),
  );
}

const npyF4 = encodeNpy(data, [n, d]);
const labelsNpy = int64Npy(Array.from({ length: n }, (_, i) => i % 4));

/** Every parser's good files, by the parser's id in parsers.ts. */
export function fixtures(): Record<string, Fixture[]> {
  const csv = csvText(',');
  const jsonArrays = JSON.stringify(rows);
  const jsonObjects = JSON.stringify(rows.map((r, i) => ({ id: i, embedding: r, label: labels[i], extra: { k: [i, 'x'] } })));
  const jsonl = rows.map((r, i) => JSON.stringify({ vector: r, label: labels[i] })).join('\n');
  const vectorsTsv = rows.map((r) => r.join('\t')).join('\n');
  return {
    npy: [
      one('v.npy', npyF4),
      one(
        'h.npy',
        makeNpy(
          '<f2',
          [n, d],
          Uint16Array.from(data, (x) => 0x3c00 + (Math.abs(x * 100) & 0x3ff)),
        ),
      ),
      one(
        'i.npy',
        makeNpy(
          '<i2',
          [n, d],
          Int16Array.from(data, (x) => x * 1000),
        ),
      ),
      one(
        'u.npy',
        makeNpy(
          '|u1',
          [n, d],
          Uint8Array.from(data, (x) => x * 40 + 128),
        ),
      ),
      one('fortran.npy', makeNpy('<f8', [n, d], Float64Array.from(data), { fortran: true })),
      one('v2.npy', makeNpy('<f4', [n, d], data, { version: 2 })),
      one('v3.npy', makeNpy('<f4', [n, d], data, { version: 3 })),
      {
        files: [
          { name: 'v.npy', bytes: npyF4 },
          { name: 'v.labels.npy', bytes: labelsNpy },
        ],
        target: 1,
      },
      {
        files: [
          { name: 'digits.npy', bytes: read('../../public/demo/digits/digits.npy') },
          { name: 'digits.labels.npy', bytes: read('../../public/demo/digits/digits.labels.npy') },
        ],
        target: 0,
      },
    ],
    npz: [one('stored.npz', npz({ embeddings: npyF4, labels: labelsNpy }, false)), one('deflated.npz', npz({ x: npyF4, y: labelsNpy, other: npyF4 }, true))],
    gzip: [one('v.csv.gz', gzip(csv)), one('v.npy.gz', gzip(npyF4)), one('v.jsonl.gz', gzip(jsonl)), one('v.arrows.gz', gzip(fixedListArrow(data, n, d, labels, 'stream')))],
    csv: [
      one('v.csv', text(csv)),
      one('noheader.csv', text(rows.map((r) => r.join(',')).join('\n'))),
      one('semi.txt', text(csvText(';'))),
      one('digits.csv', read('../../public/demo/digits/digits.csv')),
    ],
    tsv: [one('v.tsv', text(csvText('\t')))],
    json: [one('arrays.json', text(jsonArrays)), one('objects.json', text(jsonObjects))],
    jsonl: [one('v.jsonl', text(jsonl)), one('arrays.ndjson', text(rows.map((r) => JSON.stringify(r)).join('\r\n')))],
    'parquet-list': [
      one('list.parquet', listParquet()),
      one('v1-float.parquet', read('../fixtures/parquet-v1-float.parquet')),
      one('v1-double.parquet', read('../fixtures/parquet-v1-double.parquet')),
    ],
    'parquet-wide': [one('wide.parquet', wideParquet(data, n, d, [{ name: 'label', data: labels }], 16))],
    arrow: [
      one('fixed.feather', fixedListArrow(data, n, d, labels, 'file')),
      one('fixed.arrows', fixedListArrow(data, n, d, labels, 'stream')),
      one('wide.arrow', wideArrow(data, n, d, { label: labels }, 'file')),
      one('wide.arrows', wideArrow(data, n, d, { label: labels }, 'stream')),
    ],
    'lz4-frame': [one('lz4.feather', lz4Feather())],
    metadata: [
      {
        files: [
          { name: 'vectors.tsv', bytes: text(vectorsTsv) },
          { name: 'metadata.tsv', bytes: text(['label\tid', ...labels.map((l, i) => `${l}\t${i}`)].join('\n')) },
        ],
        target: 1,
      },
      {
        files: [
          { name: 'digits.vectors.tsv', bytes: read('../../public/demo/digits/digits.vectors.tsv') },
          { name: 'digits.metadata.tsv', bytes: read('../../public/demo/digits/digits.metadata.tsv') },
        ],
        target: 1,
      },
    ],
  };
}

/** The raw LZ4 frame fixture, for the decoder on its own. */
export const lz4Frame = (): Uint8Array => read('../fixtures/lz4-linked-blocks.lz4');
