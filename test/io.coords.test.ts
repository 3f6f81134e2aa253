// Precomputed maps (issue #12, item 6): which columns of a file are its map, over CSV, Parquet,
// JSONL and .npy, and what is left as the vector and the metadata.
import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource, type PreviewInfo } from '../src/io';
import { coordFamilies, planCoords } from '../src/io/coords-rule';
import { toCsvParts } from '../src/export/csv';
import { makeNpy } from './io.fixtures';
import { wideParquet } from './helpers/format-fixtures';

const enc = (s: string) => new TextEncoder().encode(s);
const ingest = (files: [string, Uint8Array][], opts = {}) =>
  ingestSources(
    files.map(([name, bytes]) => memorySource(name, bytes, 97)),
    opts,
  );
const names = (fam: { columns: string[] } | undefined) => fam?.columns ?? null;

describe('the naming rule', () => {
  it('finds the pairs (and triples) the usual tools write, case-insensitively', () => {
    expect(names(coordFamilies(['x', 'y'], ['x', 'y'])[0])).toEqual(['x', 'y']);
    expect(names(coordFamilies(['X', 'Y', 'Z'], [])[0])).toEqual(['X', 'Y', 'Z']);
    expect(names(coordFamilies(['umap_1', 'umap_2'], [])[0])).toEqual(['umap_1', 'umap_2']);
    expect(names(coordFamilies(['UMAP2', 'UMAP1'], [])[0])).toEqual(['UMAP1', 'UMAP2']);
    expect(names(coordFamilies(['umap_x', 'umap_y'], [])[0])).toEqual(['umap_x', 'umap_y']);
    expect(names(coordFamilies(['UMAP_1', 'UMAP_2', 'UMAP_3'], [])[0])).toEqual(['UMAP_1', 'UMAP_2', 'UMAP_3']);
    expect(names(coordFamilies(['tsne_1', 'tsne_2'], [])[0])).toEqual(['tsne_1', 'tsne_2']);
    expect(names(coordFamilies(['t-SNE-1', 't-SNE-2'], [])[0])).toEqual(['t-SNE-1', 't-SNE-2']);
    expect(names(coordFamilies(['pca_1', 'pca_2'], [])[0])).toEqual(['pca_1', 'pca_2']);
    expect(names(coordFamilies(['PC1', 'PC2'], [])[0])).toEqual(['PC1', 'PC2']);
    expect(names(coordFamilies(['dim_1', 'dim_2'], [])[0])).toEqual(['dim_1', 'dim_2']);
    expect(names(coordFamilies(['projection_x', 'projection_y'], [])[0])).toEqual(['projection_x', 'projection_y']);
    expect(names(coordFamilies(['umap_0', 'umap_1'], [])[0])).toEqual(['umap_0', 'umap_1']);
  });

  it('a longer numbered series is a vector, not a map', () => {
    const dims = Array.from({ length: 768 }, (_, j) => `dim_${j}`);
    expect(coordFamilies(dims, dims)).toEqual([]);
    const pcs = Array.from({ length: 50 }, (_, j) => `PC${j + 1}`);
    expect(coordFamilies(pcs, pcs)).toEqual([]);
    expect(coordFamilies(['umap_1', 'umap_2', 'umap_3', 'umap_4'], [])).toEqual([]);
    // One axis alone is no map.
    expect(coordFamilies(['x', 'label'], ['x'])).toEqual([]);
  });

  it('bare 0/1 count only when nothing else matched and they are all the vector columns', () => {
    expect(names(coordFamilies(['0', '1', 'label'], ['0', '1'])[0])).toEqual(['0', '1']);
    expect(names(coordFamilies(['0', '1', '2'], ['0', '1', '2'])[0])).toEqual(['0', '1', '2']);
    const wide = Array.from({ length: 10 }, (_, j) => String(j));
    expect(coordFamilies(wide, wide)).toEqual([]);
    expect(names(coordFamilies(['0', '1', 'x', 'y'], ['0', '1', 'x', 'y'])[0])).toEqual(['x', 'y']);
  });

  it('prefers x/y, then umap, tsne, projection, pca, dim; other maps and a cluster column become metadata', () => {
    const vec = Array.from({ length: 8 }, (_, j) => `f${j}`);
    const plan = planCoords([...vec, 'pca_1', 'pca_2', 'umap_1', 'umap_2', 'cluster'], ['label'], false)!;
    expect(plan.columns).toEqual(['umap_1', 'umap_2']);
    expect(plan.vector).toEqual(vec);
    expect(plan.toMeta).toEqual(['pca_1', 'pca_2', 'cluster']);
    expect(plan.cluster).toBe('cluster');
    expect(plan.alsoData).toBe(false);
    expect(planCoords(['x', 'y', 'umap_1', 'umap_2'], [], false)!.columns).toEqual(['x', 'y']);
  });

  it('fewer than 8 numeric columns beside a map are metadata, and the map is then all the data', () => {
    const plan = planCoords(['x', 'y', 'score', 'year'], ['name'], false)!;
    expect(plan).toMatchObject({ columns: ['x', 'y'], vector: ['x', 'y'], toMeta: ['score', 'year'], alsoData: true });
  });

  it('a list-column vector stays the vector; the map comes from the scalar columns', () => {
    expect(planCoords(['embedding'], ['x', 'y', 'label'], true)).toMatchObject({ columns: ['x', 'y'], vector: ['embedding'], alsoData: false });
  });
});

const n = 40;
const umap = Float32Array.from({ length: n * 2 }, (_, k) => Math.fround(Math.cos(k * 0.7) * 5 + k * 0.01));
const labels = Array.from({ length: n }, (_, i) => `g${i % 4}`);

describe('CSV', () => {
  it('umap_1/umap_2 + label: the map with its labels, the coordinates are also the data', async () => {
    const rows = labels.map((l, i) => `${umap[2 * i]},${umap[2 * i + 1]},${l}`);
    let preview: PreviewInfo | undefined;
    const ds = await ingest([['m.csv', enc(`umap_1,umap_2,label\n${rows.join('\n')}\n`)]], { onPreview: (p: PreviewInfo) => (preview = p) });
    expect(ds.coords).toMatchObject({ dim: 2, columns: ['umap_1', 'umap_2'], alsoData: true });
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect([ds.n, ds.d, ds.columns]).toEqual([n, 2, ['umap_1', 'umap_2']]);
    expect(ds.labels).toEqual(labels);
    expect(preview!.coords).toEqual({ columns: ['umap_1', 'umap_2'], dim: 2, alsoData: true });
  });

  it('vectors beside the map stay the vectors, without the map columns', async () => {
    const d = 9;
    const head = ['id', ...Array.from({ length: d }, (_, j) => `e${j}`), 'UMAP1', 'UMAP2', 'label'];
    const rows = labels.map((l, i) => [i, ...Array.from({ length: d }, (_, j) => i * 10 + j), umap[2 * i], umap[2 * i + 1], l].join(','));
    let preview: PreviewInfo | undefined;
    const ds = await ingest([['m.csv', enc(`${head.join(',')}\n${rows.join('\n')}\n`)]], { onPreview: (p: PreviewInfo) => (preview = p) });
    expect([ds.n, ds.d]).toEqual([n, d]);
    expect(ds.columns).toEqual(head.slice(1, d + 1));
    expect(Array.from(ds.data.subarray(d * 3, d * 4))).toEqual(Array.from({ length: d }, (_, j) => 30 + j));
    expect(ds.coords).toMatchObject({ columns: ['UMAP1', 'UMAP2'], alsoData: false });
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect(preview!.vectorColumns).toEqual(head.slice(1, d + 1));
    expect(preview!.d).toBe(d);
  });

  it("pandas' unnamed index column is metadata, so cuML's 0/1 columns are the map", async () => {
    const rows = labels.map((l, i) => `${i},${umap[2 * i]},${umap[2 * i + 1]},${l}`);
    const ds = await ingest([['cuml.csv', enc(`,0,1,label\n${rows.join('\n')}\n`)]]);
    expect(ds.coords?.columns).toEqual(['0', '1']);
    expect(ds.metadata!.map((m) => m.name)).toContain('column 1');
  });

  it('our own CSV export reopens as the map, with its clusters and metadata', async () => {
    const clusters = Int32Array.from({ length: n }, (_, i) => (i % 5) - 1);
    const text = toCsvParts({
      coords: umap,
      nComponents: 2,
      rows: null,
      clusters,
      meta: [
        { name: 'digits.labels', values: Float64Array.from({ length: n }, (_, i) => i % 10) },
        { name: 'name', values: labels },
      ],
    }).join('');
    const ds = await ingest([['digits.csv', enc(text)]]);
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect(Array.from(ds.coords!.clusters!)).toEqual(Array.from(clusters));
    expect(ds.metadata!.map((m) => m.name).sort()).toEqual(['digits.labels', 'name']);
    expect(ds.metadata!.find((m) => m.name === 'digits.labels')!.values).toBeInstanceOf(Float64Array);
  });

  it('NaN, infinity or text in a coordinate column names the row and the column', async () => {
    const bad = (cell: string, at: number) => labels.map((l, i) => `${i === at ? cell : umap[2 * i]},${umap[2 * i + 1]},${l}`).join('\n');
    await expect(ingest([['m.csv', enc(`x,y,label\n${bad('NaN', 6)}\n`)]])).rejects.toThrow("m.csv: NaN at row 7 (line 8), column 'x'; mapstream needs finite numbers.");
    await expect(ingest([['m.csv', enc(`x,y,label\n${bad('inf', 2)}\n`)]])).rejects.toThrow("infinite value 'inf' at row 3 (line 4), column 'x'");
    await expect(ingest([['m.csv', enc(`x,y,label\n${bad('abc', 4)}\n`)]])).rejects.toThrow("m.csv: non-numeric value 'abc' at row 5 (line 6), column 'x'.");
    // Text in the first row makes the column text; a map's column must still be numbers.
    await expect(ingest([['m.csv', enc(`x,y,label\n${bad('abc', 0)}\n`)]])).rejects.toThrow("m.csv: row 1, column 'x' is 'abc', not a number; the map's coordinates must be finite numbers.");
  });
});

describe('Parquet and JSONL', () => {
  it('wide Parquet with umap columns: the f-columns stay the vector', async () => {
    const d = 8;
    const data = Float32Array.from({ length: n * d }, (_, k) => k * 0.5);
    const extra = [
      { name: 'umap_1', data: Array.from({ length: n }, (_, i) => umap[2 * i]!), type: 'FLOAT' },
      { name: 'umap_2', data: Array.from({ length: n }, (_, i) => umap[2 * i + 1]!), type: 'FLOAT' },
      { name: 'label', data: labels },
    ];
    const ds = await ingest([['w.parquet', wideParquet(data, n, d, extra, 16)]]);
    expect([ds.d, ds.columns.length]).toEqual([d, d]);
    expect(Array.from(ds.data)).toEqual(Array.from(data));
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect(ds.labels).toEqual(labels);
  });

  it('Parquet x/y only (Latent Scope), with a text column', async () => {
    const bytes = wideParquet(umap, n, 2, [{ name: 'text', data: labels }]);
    // wideParquet names its vector columns f0, f1: rename them through a fresh file.
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const xy = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'x', data: Array.from({ length: n }, (_, i) => umap[2 * i]!), type: 'FLOAT' },
          { name: 'y', data: Array.from({ length: n }, (_, i) => umap[2 * i + 1]!), type: 'FLOAT' },
          { name: 'text', data: labels },
        ],
      }),
    );
    expect((await ingest([['f.parquet', bytes]])).coords).toBeUndefined();
    const ds = await ingest([['scope.parquet', xy]]);
    expect(ds.coords).toMatchObject({ columns: ['x', 'y'], alsoData: true });
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
  });

  it('JSONL objects with an embedding and x/y fields: the embedding is the vector, x/y the map', async () => {
    const lines = labels.map((l, i) => JSON.stringify({ embedding: [i, i + 1, i + 2], x: umap[2 * i], y: umap[2 * i + 1], label: l }));
    const ds = await ingest([['e.jsonl', enc(lines.join('\n'))]]);
    expect([ds.d, ds.vectorField]).toEqual([3, 'embedding']);
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect(ds.metadata!.map((m) => m.name)).toEqual(['label']);
  });

  it('JSONL objects with only scalar map fields read them as the map', async () => {
    const lines = labels.map((l, i) => JSON.stringify({ id: i, umap_x: umap[2 * i], umap_y: umap[2 * i + 1], label: l }));
    const ds = await ingest([['m.jsonl', enc(lines.join('\n'))]]);
    expect(ds.coords).toMatchObject({ columns: ['umap_x', 'umap_y'], alsoData: true });
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    const broken = [...lines];
    broken[3] = JSON.stringify({ id: 3, umap_x: 'left', umap_y: 1, label: 'g3' });
    await expect(ingest([['m.jsonl', enc(broken.join('\n'))]])).rejects.toThrow("m.jsonl: line 4, field 'umap_x' is string left, not a number.");
  });
});

describe('.npy', () => {
  it('an (n, 2) array is a map or 2-D data: both stay possible, with its labels file', async () => {
    const labelNpy = makeNpy(
      '<i4',
      [n],
      Int32Array.from({ length: n }, (_, i) => i % 3),
    );
    let preview: PreviewInfo | undefined;
    const ds = await ingest(
      [
        ['labels.npy', labelNpy],
        ['emb.npy', makeNpy('<f4', [n, 2], umap)],
      ],
      { onPreview: (p: PreviewInfo) => (preview = p) },
    );
    expect(ds.coords).toMatchObject({ dim: 2, alsoData: true });
    expect(Array.from(ds.coords!.data)).toEqual(Array.from(umap));
    expect([ds.d, Array.from(ds.data)]).toEqual([2, Array.from(umap)]);
    expect(ds.labels).toEqual(Array.from({ length: n }, (_, i) => String(i % 3)));
    expect(preview!.coords?.alsoData).toBe(true);
  });

  it('an (n, 3) array is a 3-D map; a wider one is vectors', async () => {
    const three = Float32Array.from({ length: n * 3 }, (_, k) => k);
    expect((await ingest([['e3.npy', makeNpy('<f4', [n, 3], three)]])).coords?.dim).toBe(3);
    const four = Float32Array.from({ length: n * 4 }, (_, k) => k);
    expect((await ingest([['e4.npy', makeNpy('<f4', [n, 4], four)]])).coords).toBeUndefined();
  });
});
