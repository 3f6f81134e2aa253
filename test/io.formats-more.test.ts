// The layouts of issue #15: wide Parquet (pandas' to_parquet of numeric columns), Arrow IPC / Feather v2
// (fixed-size list, list, wide), .npz (stored and deflated, key choice, labels) and gzip-compressed
// text and .npy, each checked against the values written, and the messages for bad variants.
import { describe, expect, it } from 'vitest';
import { compressionRegistry, CompressionType } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readFileSync } from 'node:fs';
import { decodeLz4Frames } from '../src/io/lz4-frame';
import { ingestSources, memorySource, type PreviewInfo } from '../src/io';
import { encodeNpy, fixedListArrow, gzip, int64Npy, npz, wideArrow, wideParquet } from './helpers/format-fixtures';

const n = 60;
const d = 7;
const data = Float32Array.from({ length: n * d }, (_, k) => Math.fround(Math.sin(k * 0.37) * 3));
const labels = Array.from({ length: n }, (_, i) => `c${i % 3}`);

async function ingest(name: string, bytes: Uint8Array, opts = {}, chunk = 333) {
  return ingestSources([memorySource(name, bytes, chunk)], opts);
}

describe('wide Parquet', () => {
  it('numeric scalar columns are the vector; text and id-like numeric columns are metadata', async () => {
    const extra = [
      { name: 'label', data: labels },
      { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(i + 100)), type: 'INT64' },
      { name: '__index_level_0__', data: Array.from({ length: n }, (_, i) => BigInt(i)), type: 'INT64' },
    ];
    let preview: PreviewInfo | undefined;
    const ds = await ingest('w.parquet', wideParquet(data, n, d, extra, 25), { onPreview: (p: PreviewInfo) => (preview = p) });
    expect([ds.n, ds.d, ds.format]).toEqual([n, d, 'parquet']);
    expect(Array.from(ds.data)).toEqual(Array.from(data));
    expect(ds.columns).toEqual(Array.from({ length: d }, (_, j) => `f${j}`));
    expect(ds.labels).toEqual(labels);
    expect(ds.metadata?.map((m) => m.name)).toEqual(['label', 'id', '__index_level_0__']);
    expect(Array.from(ds.metadata![1]!.values as Float64Array).slice(0, 3)).toEqual([100, 101, 102]);
    expect(preview?.vectorColumns).toHaveLength(d);
    expect(preview?.rowsKnown).toBe(n);
    expect(preview?.rows[0]?.[d]).toBe('c0');
  });

  it('a null vector value names its row and column', async () => {
    const bytes = wideParquet(data, n, d, [{ name: 'f7', data: Array.from({ length: n }, (_, i) => (i === 4 ? null : 1.5)), type: 'DOUBLE' }]);
    await expect(ingest('w.parquet', bytes)).rejects.toThrow("w.parquet: row 5, column 'f7' is null; every vector value must be a number.");
    const ds = await ingest('w.parquet', bytes, { dropBadRows: true });
    expect([ds.n, ds.d, ds.droppedRows]).toEqual([n - 1, d + 1, 1]);
  });

  it('refuses a column that is neither a number nor text', async () => {
    const schema = [
      { name: 'root', num_children: 2 },
      { name: 'f0', type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const },
      { name: 'tags', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    ];
    const bytes = parquetWriteBuffer({
      schema,
      columnData: [
        { name: 'f0', data: Array.from(data.subarray(0, n)) },
        { name: 'tags', data: labels.map((l) => [l, 'x']) },
      ],
    });
    await expect(ingest('w.parquet', new Uint8Array(bytes))).rejects.toThrow(
      "w.parquet: column 'tags' (list) is neither a number nor text. With no list of numbers column, mapstream takes the numeric columns as the vector and text columns as metadata; drop 'tags' or store the vectors in a list of numbers column.",
    );
  });

  it('a file of text columns only says there is no vector', async () => {
    const bytes = wideParquet(data, n, 0, [{ name: 'name', data: labels }]);
    await expect(ingest('t.parquet', bytes)).rejects.toThrow(
      't.parquet has no column that is a list of numbers and no numeric columns to use as the vector (its columns: name (BYTE_ARRAY UTF8)).',
    );
  });
});

describe('Arrow IPC / Feather v2', () => {
  for (const format of ['file', 'stream'] as const) {
    it(`fixed_size_list<float32> column (${format} format)`, async () => {
      const ds = await ingest(format === 'file' ? 'v.feather' : 'v.arrows', fixedListArrow(data, n, d, labels, format));
      expect([ds.n, ds.d, ds.format, ds.vectorField]).toEqual([n, d, 'arrow', 'embedding']);
      expect(Array.from(ds.data)).toEqual(Array.from(data));
      expect(ds.labels).toEqual(labels);
    });
  }

  it('list<double> column with a null row, dropped on request', async () => {
    const { tableToIPC, tableFromArrays, vectorFromArray, List, Field, Float64 } = await import('apache-arrow');
    const rows = Array.from({ length: n }, (_, i) => (i === 9 ? null : Array.from(data.subarray(i * d, (i + 1) * d))));
    const vec = vectorFromArray(rows, new List(new Field('item', new Float64(), true)));
    const bytes = tableToIPC(tableFromArrays({ vec: vec as never, label: labels }), 'file');
    await expect(ingest('l.arrow', bytes)).rejects.toThrow(/l\.arrow: row 10 has a non-array 'vec' field/);
    const ds = await ingest('l.arrow', bytes, { dropBadRows: true });
    expect([ds.n, ds.d, ds.droppedRows]).toEqual([n - 1, d, 1]);
    expect(Array.from(ds.data.subarray(9 * d, 10 * d))).toEqual(Array.from(data.subarray(10 * d, 11 * d)));
  });

  it('wide numeric columns, with a text label and an int id as metadata', async () => {
    const ds = await ingest('w.arrow', wideArrow(data, n, d, { label: labels, id: Array.from({ length: n }, (_, i) => i) }));
    expect([ds.n, ds.d]).toEqual([n, d]);
    expect(Array.from(ds.data)).toEqual(Array.from(data));
    expect(ds.labels).toEqual(labels);
    expect(ds.metadata?.map((m) => m.name)).toEqual(['label', 'id']);
  });

  it('refuses a wide file with a nested column', async () => {
    await expect(ingest('w.arrow', wideArrow(data, n, d, { tags: labels.map((l) => ({ l })) }))).rejects.toThrow(/w\.arrow: column 'tags' \(Struct<\{l:.*\}>\) is neither a number nor text/);
  });

  it('a truncated file names the problem', async () => {
    const bytes = fixedListArrow(data, n, d, labels, 'stream');
    await expect(ingest('t.arrow', bytes.subarray(0, bytes.length - 500))).rejects.toThrow(/t\.arrow/);
  });
});

describe('LZ4 frames (Arrow IPC buffers, pandas to_feather default)', () => {
  it('decodes linked blocks as the lz4 tool writes them (test/fixtures/lz4-linked-blocks.lz4)', () => {
    let text = '';
    for (let i = 0; i < 3000; i++) text += `row ${i}: ${(i * 7) % 13} ${(i * i) % 101} label_${i % 5}\n`;
    const out = decodeLz4Frames(new Uint8Array(readFileSync(new URL('./fixtures/lz4-linked-blocks.lz4', import.meta.url))));
    expect(new TextDecoder().decode(out)).toBe(text);
  });

  it('reads a Feather file with LZ4_FRAME buffers', async () => {
    // No LZ4 compressor in Node: frames of stored blocks are valid LZ4 and take the same path through arrow-js.
    const stored = (b: Uint8Array) => {
      const parts: Uint8Array[] = [Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0)];
      for (let at = 0; at < b.length; at += 1 << 16) {
        const block = b.subarray(at, at + (1 << 16));
        const size = new Uint8Array(4);
        new DataView(size.buffer).setUint32(0, (block.length | 0x80000000) >>> 0, true);
        parts.push(size, block);
      }
      parts.push(new Uint8Array(4));
      return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
    };
    const codec = compressionRegistry.get(CompressionType.LZ4_FRAME)!;
    compressionRegistry.set(CompressionType.LZ4_FRAME, { ...codec, encode: stored });
    const bytes = wideArrow(data, n, d, { label: labels }, 'file', CompressionType.LZ4_FRAME);
    compressionRegistry.set(CompressionType.LZ4_FRAME, codec);
    const ds = await ingest('z.feather', bytes);
    expect([ds.n, ds.d]).toEqual([n, d]);
    expect(Array.from(ds.data)).toEqual(Array.from(data));
    expect(ds.labels).toEqual(labels);
  });
});

describe('.npz', () => {
  const emb = encodeNpy(data, [n, d]);
  const y = int64Npy(Array.from({ length: n }, (_, i) => i % 4));
  for (const deflate of [false, true]) {
    it(`picks 'embeddings' over another 2-D array and 'y' as labels (${deflate ? 'deflated' : 'stored'})`, async () => {
      const other = encodeNpy(new Float32Array(n * 2), [n, 2]);
      let preview: PreviewInfo | undefined;
      const ds = await ingest('a.npz', npz({ pca: other, embeddings: emb, y }, deflate), { onPreview: (p: PreviewInfo) => (preview = p) }, 1000);
      expect([ds.n, ds.d, ds.format, ds.vectorField]).toEqual([n, d, 'npz', 'embeddings']);
      expect(Array.from(ds.data)).toEqual(Array.from(data));
      expect(ds.labelName).toBe('y');
      expect(ds.labels?.slice(0, 5)).toEqual(['0', '1', '2', '3', '0']);
      expect(preview?.vectorCandidates).toEqual(['pca', 'embeddings']);
      expect(preview?.metaColumns).toEqual(['y']);
    });
  }

  it('a chosen key, and a lone arr_0 from np.savez(path, x)', async () => {
    const ds = await ingest(
      'a.npz',
      npz(
        {
          pca: encodeNpy(
            new Float32Array(n * 2).map((_, k) => k),
            [n, 2],
          ),
          embeddings: emb,
        },
        true,
      ),
      { vectorField: 'pca' },
    );
    expect([ds.n, ds.d]).toEqual([n, 2]);
    const one = await ingest('b.npz', npz({ arr_0: emb }, true));
    expect([one.n, one.d]).toEqual([n, d]);
  });

  it('an archive with no 2-D array lists what it holds', async () => {
    await expect(ingest('a.npz', npz({ y, names: int64Npy([1, 2, 3]) }, true))).rejects.toThrow(
      "a.npz has no 2-D array to use as the vectors (its arrays: 'y' <i8 (60,), 'names' <i8 (3,)); mapstream needs one of shape (points, dimensions).",
    );
  });

  it('a truncated archive and a damaged deflated member', async () => {
    const bytes = npz({ embeddings: emb }, true);
    await expect(ingest('a.npz', bytes.subarray(0, bytes.length - 30))).rejects.toThrow(/a\.npz is not a readable \.npz \(zip\) archive: its central directory is missing/);
    const damaged = bytes.slice();
    damaged.fill(0xff, 60, 400);
    await expect(ingest('a.npz', damaged)).rejects.toThrow(/a\.npz: embeddings/);
  });
});

describe('gzip', () => {
  const csv = `label,${Array.from({ length: d }, (_, j) => `x${j}`).join(',')}\n${labels.map((l, i) => `${l},${Array.from(data.subarray(i * d, (i + 1) * d)).join(',')}`).join('\n')}\n`;
  it('.csv.gz, .tsv.gz and .jsonl.gz are streamed', async () => {
    const c = await ingest('v.csv.gz', gzip(csv), {}, 100);
    expect([c.n, c.d, c.format, c.fileName]).toEqual([n, d, 'csv', 'v.csv']);
    expect(Array.from(c.data)).toEqual(Array.from(data));
    expect(c.labels).toEqual(labels);
    const t = await ingest('v.tsv.gz', gzip(csv.replaceAll(',', '\t')));
    expect([t.n, t.d, t.format]).toEqual([n, d, 'tsv']);
    const jsonl = labels.map((l, i) => JSON.stringify({ embedding: Array.from(data.subarray(i * d, (i + 1) * d)), label: l })).join('\n');
    const j = await ingest('v.jsonl.gz', gzip(jsonl));
    expect([j.n, j.d, j.format]).toEqual([n, d, 'jsonl']);
    expect(Array.from(j.data)).toEqual(Array.from(data));
  });

  it('.npy.gz, vectors and labels together', async () => {
    const lab = int64Npy(Array.from({ length: n }, (_, i) => i % 5));
    const ds = await ingestSources([memorySource('v.npy.gz', gzip(encodeNpy(data, [n, d])), 50), memorySource('l.npy.gz', gzip(lab))]);
    expect([ds.n, ds.d, ds.format]).toEqual([n, d, 'npy']);
    expect(Array.from(ds.data)).toEqual(Array.from(data));
    expect(ds.labels?.slice(0, 6)).toEqual(['0', '1', '2', '3', '4', '0']);
  });

  it('a truncated .gz says so', async () => {
    const bytes = gzip(csv);
    await expect(ingest('v.csv.gz', bytes.subarray(0, Math.floor(bytes.length / 2)))).rejects.toThrow(/v\.csv\.gz is a truncated or damaged gzip file: decompression stopped/);
  });

  it('a .npy.gz whose data is short of its header says truncated', async () => {
    const raw = encodeNpy(data, [n, d]);
    await expect(ingest('v.npy.gz', gzip(raw.subarray(0, raw.length - 10)))).rejects.toThrow(/v\.npy is truncated: its header says shape \(60, 7\)/);
  });

  it('gzip-compressed Parquet is refused with the reason', async () => {
    await expect(ingest('w.parquet.gz', gzip(wideParquet(data, n, d)))).rejects.toThrow(/w\.parquet\.gz: a gzip-compressed parquet file cannot be streamed/);
  });
});
