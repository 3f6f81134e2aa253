// Exports of the map shown: coordinates with a row id, clusters and the chosen metadata (CSV, .npy,
// Parquet), the selection, the current view as a figure (PNG at 1× or 2×, SVG) with title, legend
// and footer, and the map file (also what is kept in the browser). Each export can add its
// reproducibility record, `<name>.record.json`.
import { createSignal, type Accessor } from 'solid-js';
import { toCsvParts } from '../../export/csv';
import { saveFile } from '../../export/download';
import { figureFooter, type FigureText } from '../../export/figure';
import { MAP_FILE_EXTENSION, toMapFileParts } from '../../export/map-file';
import { toNpy } from '../../export/npy';
import { canvasMeasure, renderFigurePng, type ViewPoints } from '../../export/png';
import { reproducibilityRecord, type RecordInput } from '../../export/record';
import { renderFigureSvg } from '../../export/svg';
import { sourceRowIds, type ExportTable, type RowIdColumn } from '../../export/table';
import { inputHashOf } from '../../jobs/input-hash';
import type { SaveOrigin } from '../../jobs/map-library';
import type { MapQualityResult } from '../../jobs/quality-client';
import type { MetaColumn } from '../../io/dataset';
import type { Ingested } from '../../jobs/ingest-client';
import { messageOf } from '../../io/error-message';
import type { Coloring } from '../map/coloring';
import { screenTransform } from '../map/screen-transform';
import { autoPointSize, type MapControl, type MapFrame, type MapStyle } from '../ScatterMap';
import { recordBatchIds, type BatchInfo } from './map-batch-file';
import { extendMeta, type MapBatch } from './map-batches';
import type { Clusters, ExportKind, MapResult } from './map-types';

type MapFileInput = Parameters<typeof toMapFileParts>[0];

/** The default row id column's name: the 0-based row of the source file (a name our CSV reader takes as metadata). */
const SOURCE_ROW = 'index';

/** The file each export writes, from the map's name without its extension. */
function fileName(base: string, kind: ExportKind, scale: 1 | 2): string {
  switch (kind) {
    case 'csv':
      return `${base}.umap.csv`;
    case 'selection':
      return `${base}.selection.csv`;
    case 'npy':
      return `${base}.umap.npy`;
    case 'parquet':
      return `${base}.umap.parquet`;
    case 'map':
      return `${base}${MAP_FILE_EXTENSION}`;
    case 'svg':
      return `${base}.svg`;
    case 'png':
      return scale === 1 ? `${base}.png` : `${base}@2x.png`;
  }
}

const appVersion = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';

export interface ExportSettings {
  title: Accessor<string>;
  setTitle: (t: string) => void;
  scale: Accessor<1 | 2>;
  setScale: (s: 1 | 2) => void;
  idColumn: Accessor<string | null>;
  setIdColumn: (name: string | null) => void;
  withRecord: Accessor<boolean>;
  setWithRecord: (on: boolean) => void;
}

export function createExports(o: {
  quality: Accessor<MapQualityResult | null>;
  origin: Accessor<SaveOrigin>;
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
  const [title, setTitle] = createSignal('');
  const [scale, setScale] = createSignal<1 | 2>(2);
  /** The row id: the source row index (null) or a metadata column's name. */
  const [idColumn, setIdColumn] = createSignal<string | null>(null);
  const [withRecord, setWithRecord] = createSignal(true);

  const clustersOf = (r: MapResult) => {
    const c = o.clusters();
    return c && c.labels.length === r.coords.length / r.nComponents ? c.labels : null;
  };

  const batchOf = (r: MapResult) => {
    const b = o.batches();
    return b && b.of.length === r.coords.length / r.nComponents ? b.of : null;
  };

  /** The picked id column when the map still has it, else the source row index. */
  const idOf = (r: MapResult): RowIdColumn => {
    const picked = idColumn();
    const col = picked === null ? undefined : o.meta().find((m) => m.name === picked);
    if (col) return { name: col.name, values: col.values };
    return { name: SOURCE_ROW, values: sourceRowIds(r.coords.length / r.nComponents, batchOf(r)) };
  };

  const table = (r: MapResult, rows: number[] | null): ExportTable => {
    const chosen = chosenMeta();
    const id = idOf(r);
    return {
      id,
      coords: r.coords,
      nComponents: r.nComponents,
      rows: rows ? Uint32Array.from(rows).sort() : null,
      clusters: clustersOf(r),
      batch: batchOf(r),
      // The id column is written once, first.
      meta: o.meta().filter((m) => (!chosen || chosen.has(m.name)) && m.name !== (id.values instanceof Int32Array ? null : id.name)),
    };
  };

  /** The map as a map file: coordinates, labels, metadata, clusters and its link. */
  const mapFileOf = (r: MapResult): MapFileInput => {
    const ing = o.input();
    const added = o.addedBatches();
    const m: MapFileInput = { nComponents: r.nComponents, coords: r.coords, params: r.params, name: r.name, meta: extendMeta(ing?.dataset.metadata ?? [], added) };
    if (ing?.dataset.labels) m.labels = extendMeta([{ name: ing.dataset.labelName ?? 'label', values: ing.dataset.labels }], added)[0]!.values as string[];
    const b = batchOf(r);
    if (b) {
      m.batches = { names: o.batches()!.names.slice(1), of: b };
      recordBatchIds(m, added);
    }
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

  /** The view as the figures draw it: the same points, colours, camera and point size as the map. */
  const viewPoints = (box: { width: number; height: number }): ViewPoints => {
    const f = o.frame()!;
    const toScreen = screenTransform(f, o.control());
    if (!toScreen) throw new Error('The figure needs the interactive map; wait until it is drawn.');
    const c = o.coloring();
    const st = o.style();
    return { x: f.x, y: f.y, codes: c.codes, colors: c.colors, width: box.width, height: box.height, pointSize: st.pointSize ?? autoPointSize(f.x.length), opacity: st.opacity, toScreen };
  };

  const figureText = (r: MapResult): FigureText => {
    const legend = o.coloring().legend;
    return { title: title(), legend, footer: figureFooter(r.coords.length / r.nComponents, o.origin().params ?? r.params) };
  };

  const record = async (r: MapResult, kind: ExportKind, file: string, rowId: string | null): Promise<string> => {
    const origin = o.origin();
    const ing = o.input();
    const ds = ing?.dataset;
    const n = r.coords.length / r.nComponents;
    const fromData = ds && ds.n === n && ds.d > 0 ? ds : null;
    const hashes = fromData ? inputHashOf(fromData.data) : null;
    let input: RecordInput['input'];
    if (!hashes)
      input = {
        files: null,
        note: fromData
          ? 'The input was generated or downloaded here, not read from a file: no bytes to hash.'
          : 'This map was opened from a map file or the library: its input was not read in this page.',
      };
    else {
      try {
        input = { files: await hashes };
      } catch (err) {
        input = { files: null, note: messageOf(err) };
      }
    }
    const q = o.quality();
    return reproducibilityRecord({
      export: { kind, file },
      map: { name: r.name, n, nComponents: r.nComponents },
      d: origin.d ?? fromData?.d ?? null,
      params: { ...(origin.params ?? r.params) },
      backend: origin.backend ?? null,
      input,
      rowId,
      quality: q ? { trustworthiness: q.trustworthiness, knnRecall: q.knnRecall, k: q.k, sampleSize: q.sample.length } : null,
      appVersion,
      date: new Date(),
    });
  };

  /** Write one export; `box` is the map's size on screen (for the PNG). */
  const save = async (kind: ExportKind, box: { width: number; height: number }) => {
    setError(null);
    try {
      const r = o.result();
      if (!r) throw new Error('Nothing to export yet: run a map first.');
      const base = r.name.replace(/\.[^.]+$/, '');
      const tabular = kind === 'csv' || kind === 'selection' || kind === 'npy' || kind === 'parquet';
      const rowId = tabular ? idOf(r).name : null;
      const file = fileName(base, kind, scale());
      if (kind === 'csv') saveFile(file, toCsvParts(table(r, null)), 'text/csv');
      else if (kind === 'selection') saveFile(file, toCsvParts(table(r, o.selection())), 'text/csv');
      else if (kind === 'npy') saveFile(file, [toNpy(table(r, null)) as Uint8Array<ArrayBuffer>], 'application/octet-stream');
      else if (kind === 'parquet') {
        // The Parquet writer is loaded on first use: most sessions never need it.
        const { toParquet } = await import('../../export/parquet');
        saveFile(file, [toParquet(table(r, null))], 'application/vnd.apache.parquet');
      } else if (kind === 'map') saveFile(file, toMapFileParts(mapFileOf(r)), 'application/json');
      else if (kind === 'svg') {
        const probe = new OffscreenCanvas(1, 1).getContext('2d');
        if (!probe) throw new Error('This browser cannot measure text for the SVG (no 2-D canvas).');
        const svg = renderFigureSvg(viewPoints(box), figureText(r), canvasMeasure(probe), await record(r, kind, file, null));
        saveFile(file, svg.parts, 'image/svg+xml');
      } else saveFile(file, [await renderFigurePng(viewPoints(box), figureText(r), scale())], 'image/png');
      if (withRecord()) saveFile(`${base}.record.json`, [await record(r, kind, file, rowId)], 'application/json');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return {
    error,
    chosenMeta,
    setChosenMeta,
    save,
    mapFileOf,
    /** The export panel's figure and id choices. */
    settings: { title, setTitle, scale, setScale, idColumn, setIdColumn, withRecord, setWithRecord } satisfies ExportSettings as ExportSettings,
  };
}
