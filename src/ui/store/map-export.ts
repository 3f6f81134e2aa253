// Exports of the map shown: coordinates with clusters and the chosen metadata (CSV, .npy, Parquet),
// the selection, a PNG of the current view, and the map file (also what is kept in the browser).
import { createSignal, type Accessor } from 'solid-js';
import { toCsvParts } from '../../export/csv';
import { saveFile } from '../../export/download';
import { MAP_FILE_EXTENSION, toMapFileParts } from '../../export/map-file';
import { toNpy } from '../../export/npy';
import { renderViewPng } from '../../export/png';
import type { ExportTable } from '../../export/table';
import type { MetaColumn } from '../../io/dataset';
import type { Ingested } from '../../jobs/ingest-client';
import { messageOf } from '../../io/error-message';
import type { Coloring } from '../map/coloring';
import { screenTransform } from '../map/screen-transform';
import { autoPointSize, type MapControl, type MapFrame, type MapStyle } from '../ScatterMap';
import type { BatchInfo } from './map-batch-file';
import { extendMeta, type MapBatch } from './map-batches';
import type { Clusters, ExportKind, MapResult } from './map-types';

type MapFileInput = Parameters<typeof toMapFileParts>[0];

export function createExports(o: {
  frame: Accessor<MapFrame | null>;
  result: Accessor<MapResult | null>;
  input: Accessor<Ingested | null>;
  meta: Accessor<MetaColumn[]>;
  clusters: Accessor<Clusters | null>;
  minClusterSize: Accessor<number>;
  selection: Accessor<number[]>;
  coloring: Accessor<Coloring>;
  style: Accessor<MapStyle>;
  shareLink: Accessor<string | null>;
  control: () => MapControl | null;
  batches: Accessor<BatchInfo | null>;
  /** The added batches, whose metadata extends the map file's columns. */
  addedBatches: Accessor<MapBatch[]>;
}) {
  const [error, setError] = createSignal<string | null>(null);
  /** The metadata columns to export; null means all. */
  const [chosenMeta, setChosenMeta] = createSignal<Set<string> | null>(null);

  const clustersOf = (r: MapResult) => {
    const c = o.clusters();
    return c && c.labels.length === r.coords.length / r.nComponents ? c.labels : null;
  };

  const batchOf = (r: MapResult) => {
    const b = o.batches();
    return b && b.of.length === r.coords.length / r.nComponents ? b.of : null;
  };

  const table = (r: MapResult, rows: number[] | null): ExportTable => {
    const chosen = chosenMeta();
    return {
      coords: r.coords,
      nComponents: r.nComponents,
      rows: rows ? Uint32Array.from(rows).sort() : null,
      clusters: clustersOf(r),
      batch: batchOf(r),
      meta: o.meta().filter((m) => !chosen || chosen.has(m.name)),
    };
  };

  /** The map as a map file: coordinates, labels, metadata, clusters and its link. */
  const mapFileOf = (r: MapResult): MapFileInput => {
    const ing = o.input();
    const added = o.addedBatches();
    const m: MapFileInput = { nComponents: r.nComponents, coords: r.coords, params: r.params, name: r.name, meta: extendMeta(ing?.dataset.metadata ?? [], added) };
    if (ing?.dataset.labels) m.labels = extendMeta([{ name: ing.dataset.labelName ?? 'label', values: ing.dataset.labels }], added)[0]!.values as string[];
    const b = batchOf(r);
    if (b) m.batches = { names: o.batches()!.names.slice(1), of: b };
    if (ing?.dataset.labelName !== undefined) m.labelName = ing.dataset.labelName;
    const labels = clustersOf(r);
    if (labels) {
      m.clusters = labels;
      m.minClusterSize = o.minClusterSize();
    }
    const link = o.shareLink();
    if (link) m.link = link;
    return m;
  };

  const png = async (box: { width: number; height: number }): Promise<Blob> => {
    const f = o.frame()!;
    const toScreen = screenTransform(f, o.control());
    if (!toScreen) throw new Error('The PNG needs the interactive map; wait until it is drawn.');
    const c = o.coloring();
    const st = o.style();
    return renderViewPng({
      x: f.x,
      y: f.y,
      codes: c.codes,
      colors: c.colors,
      width: box.width,
      height: box.height,
      pointSize: st.pointSize ?? autoPointSize(f.x.length),
      opacity: st.opacity,
      toScreen,
    });
  };

  /** Write one export; `box` is the map's size on screen (for the PNG). */
  const save = async (kind: ExportKind, box: { width: number; height: number }) => {
    setError(null);
    try {
      const r = o.result();
      if (!r) throw new Error('Nothing to export yet: run a map first.');
      const base = r.name.replace(/\.[^.]+$/, '');
      if (kind === 'csv') saveFile(`${base}.umap.csv`, toCsvParts(table(r, null)), 'text/csv');
      else if (kind === 'selection') saveFile(`${base}.selection.csv`, toCsvParts(table(r, o.selection())), 'text/csv');
      else if (kind === 'npy') saveFile(`${base}.umap.npy`, [toNpy(table(r, null)) as Uint8Array<ArrayBuffer>], 'application/octet-stream');
      else if (kind === 'parquet') {
        // The Parquet writer is loaded on first use: most sessions never need it.
        const { toParquet } = await import('../../export/parquet');
        saveFile(`${base}.umap.parquet`, [toParquet(table(r, null))], 'application/vnd.apache.parquet');
      } else if (kind === 'map') saveFile(`${base}${MAP_FILE_EXTENSION}`, toMapFileParts(mapFileOf(r)), 'application/json');
      else saveFile(`${base}.png`, [await png(box)], 'image/png');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return { error, chosenMeta, setChosenMeta, save, mapFileOf };
}
