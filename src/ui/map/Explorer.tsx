import { batch, createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, untrack } from 'solid-js';
import { StreamingClusterer } from '../../jobs/cluster-client';
import { defaultMinClusterSize } from '../../cluster/hdbscan';
import { toCsvParts } from '../../export/csv';
import { saveFile } from '../../export/download';
import { MAP_FILE_EXTENSION, toMapFileParts } from '../../export/map-file';
import { toNpy } from '../../export/npy';
import { renderViewPng } from '../../export/png';
import type { ExportTable } from '../../export/table';
import type { MetaColumn } from '../../io/dataset';
import type { Ingested } from '../../jobs/ingest-client';
import { linkQuery, type LinkSource } from '../../share/link';
import type { ParamsFormState } from '../params-form-model';
import type { MapView } from '../../share/link';
import { autoPointSize, PERFORMANCE_MODE_N, ScatterMap, type MapControl, type MapFrame } from '../ScatterMap';
import { cellText, clusterColoring, colorByFromKey, colorByKey, labelColoring, metaColoring, metadataColumns, plainColoring, type ColorBy, type Coloring } from './coloring';
import { ExportPanel, SelectionPanel, SharePanel, type ExportKind } from './ExplorerPanels';
import { MapLegend } from './MapLegend';
import { screenTransform } from './screen-transform';
import { saveLastMap } from './stored-map';
import { Tooltip, type TooltipContent } from './Tooltip';
import './explorer.css';

/** A finished map: computed by a run or opened from a map file. */
export interface MapResult {
  coords: Float32Array;
  nComponents: number;
  params: Record<string, unknown>;
  name: string;
  /** Clusters saved with an opened map file (shown until the map is clustered again). */
  clusters?: Int32Array;
  minClusterSize?: number;
}

/** Where the map's data came from, for share links: null source means a local file (no link). */
export interface ShareState {
  source: LinkSource | null;
  /** The parameter form as it was when the run started. */
  params: ParamsFormState | null;
}

export interface ExplorerInitial {
  view?: MapView;
  color?: string;
  minClusterSize?: number;
}

export function Explorer(props: { frame: MapFrame | null; input: Ingested | null; result: MapResult | null; share: ShareState; initial?: ExplorerInitial }) {
  let control: MapControl | null = null;
  let mapArea!: HTMLDivElement;
  const initial = untrack(() => props.initial) ?? {};
  const [colorKey, setColorKey] = createSignal<string | null>(initial.color ?? null);
  const [mcsText, setMcsText] = createSignal<string>(initial.minClusterSize ? String(initial.minClusterSize) : '');
  const [clusters, setClusters] = createSignal<{ labels: Int32Array; maxId: number; count: number; final: boolean } | null>(null);
  const [clusterNote, setClusterNote] = createSignal<string | null>(null);
  const [pointSize, setPointSize] = createSignal<number | null>(null);
  const [opacity, setOpacity] = createSignal(0.85);
  const [density, setDensity] = createSignal<boolean | null>(null);
  const [lassoMode, setLassoMode] = createSignal(false);
  const [selection, setSelection] = createSignal<number[]>([]);
  const [hover, setHover] = createSignal<number | null>(null);
  const [pointer, setPointer] = createSignal<[number, number]>([0, 0]);
  const [search, setSearch] = createSignal('');
  const [searchNote, setSearchNote] = createSignal<string | null>(null);
  const [chosenMeta, setChosenMeta] = createSignal<Set<string> | null>(null);
  const [view, setView] = createSignal<MapView | null>(null);
  const [copied, setCopied] = createSignal<string | null>(null);
  const [exportError, setExportError] = createSignal<string | null>(null);

  const n = () => props.frame?.x.length ?? 0;
  const meta = createMemo<MetaColumn[]>(() => (props.input ? metadataColumns(props.input.dataset) : []));
  const minClusterSize = createMemo(() => {
    const v = Number(mcsText());
    return mcsText().trim() !== '' && Number.isInteger(v) && v >= 2 ? v : defaultMinClusterSize(Math.max(1, n()));
  });
  const mcsError = () => (mcsText().trim() !== '' && !(Number.isInteger(Number(mcsText())) && Number(mcsText()) >= 2) ? 'Minimum cluster size must be a whole number ≥ 2.' : null);

  /** The effective colour-by: what the user chose, else labels when there are some, else clusters. */
  const colorBy = createMemo<ColorBy>(() => {
    const key = colorKey();
    if (key) return colorByFromKey(key);
    return props.frame?.categories ? { kind: 'label' } : { kind: 'cluster' };
  });

  // Previews arrive ~10 times a second with the same categories: reuse their colouring, so the
  // legend and the WebGL styling are not rebuilt for every frame.
  let labelCache: { categories: unknown; title: string | undefined; coloring: Coloring } | null = null;
  const coloring = createMemo<{ coloring: Coloring; note: string | null }>(() => {
    const f = props.frame;
    const by = colorBy();
    if (by.kind === 'label') {
      if (!f?.categories) return { coloring: plainColoring(), note: 'These data have no labels to colour by.' };
      if (labelCache?.categories !== f.categories || labelCache.title !== f.labelName) labelCache = { categories: f.categories, title: f.labelName, coloring: labelColoring(f.categories, f.labelName) };
      return { coloring: labelCache.coloring, note: null };
    }
    if (by.kind === 'cluster') {
      const c = clusters();
      return c && c.labels.length === n() ? { coloring: clusterColoring(c.labels, c.maxId), note: null } : { coloring: plainColoring(), note: 'Clustering…' };
    }
    if (by.kind === 'meta') {
      const col = meta().find((m) => m.name === by.name);
      if (!col) return { coloring: plainColoring(), note: `No column named ${by.name}.` };
      const c = metaColoring(col);
      return typeof c === 'string' ? { coloring: plainColoring(), note: c } : { coloring: c, note: null };
    }
    return { coloring: plainColoring(), note: null };
  });

  // Streaming clustering: every preview while colouring by cluster, and every finished layout.
  const clusterer = new StreamingClusterer(
    (u) => {
      batch(() => {
        setClusters({ labels: u.labels, maxId: u.maxId, count: u.clusterCount, final: u.final });
        setClusterNote(`${u.clusterCount} clusters, ${countNoise(u.labels).toLocaleString('en-US')} noise points (HDBSCAN, ${u.seconds.toFixed(2)} s)`);
      });
    },
    (msg) => setClusterNote(`Clustering failed: ${msg}`),
  );
  onCleanup(() => clusterer.dispose());

  let lastFrame: MapFrame | null = null;
  createEffect(() => {
    const f = props.frame;
    const mcs = minClusterSize();
    const wanted = colorBy().kind === 'cluster';
    if (!f) return;
    const newPoints = !lastFrame || lastFrame.x.length !== f.x.length || (lastFrame.final && !f.final);
    if (newPoints) {
      clusterer.reset();
      untrack(() => {
        const saved = props.result?.clusters;
        setClusters(f.final && saved && saved.length === f.x.length ? { labels: saved, maxId: Math.max(-1, ...saved), count: new Set(saved).size - (saved.includes(-1) ? 1 : 0), final: true } : null);
        setSelection([]);
      });
      if (f.final && props.result?.clusters && mcs === (props.result.minClusterSize ?? mcs)) {
        lastFrame = f;
        return;
      }
    }
    lastFrame = f;
    if (f.final || wanted) clusterer.submit(f.x, f.y, mcs, f.final);
  });

  const style = createMemo(() => ({ pointSize: pointSize(), opacity: opacity(), opacityByDensity: density() ?? (n() > 100_000 && n() < PERFORMANCE_MODE_N) }));

  const onDrawn = (f: MapFrame) => {
    if (f.final && initial.view && control) {
      control.setView(initial.view);
      initial.view = undefined;
    }
  };

  const tooltip = createMemo<TooltipContent | null>(() => {
    const i = hover();
    if (i === null || i >= n()) return null;
    const rows: [string, string][] = [];
    const c = clusters();
    if (c && c.labels.length === n()) rows.push(['cluster', c.labels[i]! < 0 ? 'noise' : String(c.labels[i])]);
    for (const col of meta().slice(0, 12)) rows.push([col.name, cellText(col, i)]);
    return { title: `row ${i + 1}`, rows };
  });

  const runSearch = () => {
    const q = search().trim().toLowerCase();
    if (!q) {
      control?.deselect();
      setSearchNote(null);
      return;
    }
    const cols = meta();
    if (cols.length === 0) {
      setSearchNote('These data have no metadata to search.');
      return;
    }
    const hits: number[] = [];
    for (let i = 0; i < n(); i++) {
      for (const col of cols) {
        if (cellText(col, i).toLowerCase().includes(q)) {
          hits.push(i);
          break;
        }
      }
    }
    setSearchNote(`${hits.length.toLocaleString('en-US')} matches`);
    if (hits.length > 0) control?.select(hits);
    else control?.deselect();
  };

  const exportTable = (rows: number[] | null): ExportTable | null => {
    const r = props.result;
    if (!r) return null;
    const c = clusters();
    const chosen = chosenMeta();
    return {
      coords: r.coords,
      nComponents: r.nComponents,
      rows: rows ? Uint32Array.from(rows).sort() : null,
      clusters: c && c.labels.length === r.coords.length / r.nComponents ? c.labels : null,
      meta: meta().filter((m) => !chosen || chosen.has(m.name)),
    };
  };

  const baseName = () => (props.result?.name ?? 'map').replace(/\.[^.]+$/, '');
  const doExport = async (kind: ExportKind) => {
    setExportError(null);
    try {
      const r = props.result;
      if (!r) throw new Error('Nothing to export yet: run a map first.');
      if (kind === 'csv') saveFile(`${baseName()}.umap.csv`, toCsvParts(exportTable(null)!), 'text/csv');
      else if (kind === 'selection') saveFile(`${baseName()}.selection.csv`, toCsvParts(exportTable(selection())!), 'text/csv');
      else if (kind === 'npy') saveFile(`${baseName()}.umap.npy`, [toNpy(exportTable(null)!) as Uint8Array<ArrayBuffer>], 'application/octet-stream');
      else if (kind === 'parquet') {
        // The Parquet writer is loaded on first use: most sessions never need it.
        const { toParquet } = await import('../../export/parquet');
        saveFile(`${baseName()}.umap.parquet`, [toParquet(exportTable(null)!)], 'application/vnd.apache.parquet');
      }
      else if (kind === 'map') {
        const parts = toMapFileParts(mapFileOf(r));
        saveFile(`${baseName()}${MAP_FILE_EXTENSION}`, parts, 'application/json');
      } else {
        const f = props.frame!;
        const toScreen = screenTransform(f, control);
        if (!toScreen) throw new Error('The PNG needs the interactive map; wait until it is drawn.');
        const box = mapArea.getBoundingClientRect();
        const c = coloring().coloring;
        const blob = await renderViewPng({ x: f.x, y: f.y, codes: c.codes, colors: c.colors, width: box.width, height: box.height, pointSize: pointSize() ?? autoPointSize(n()), opacity: opacity(), toScreen });
        saveFile(`${baseName()}.png`, [blob], 'image/png');
      }
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  const mapFileOf = (r: MapResult) => {
    const c = clusters();
    const ing = props.input;
    const m: Parameters<typeof toMapFileParts>[0] = { nComponents: r.nComponents, coords: r.coords, params: r.params, name: r.name, meta: ing?.dataset.metadata ?? [] };
    if (ing?.dataset.labels) m.labels = ing.dataset.labels;
    if (ing?.dataset.labelName !== undefined) m.labelName = ing.dataset.labelName;
    if (c && c.labels.length === r.coords.length / r.nComponents) {
      m.clusters = c.labels;
      m.minClusterSize = minClusterSize();
    }
    const link = shareLink();
    if (link) m.link = link;
    return m;
  };

  // Every finished map is kept in this browser (IndexedDB), so it reopens offline.
  createEffect(
    on([() => props.result, () => clusters()?.final], ([r, final]) => {
      if (!r || !final) return;
      void saveLastMap(() => toMapFileParts(mapFileOf(r)).join('')).catch(() => {});
    }),
  );

  const shareLink = createMemo<string | null>(() => {
    const s = props.share;
    if (!s.source || !s.params) return null;
    const v = view();
    const link: Parameters<typeof linkQuery>[0] = { source: s.source, params: s.params };
    if (v) link.view = v;
    if (colorKey()) link.color = colorKey()!;
    if (mcsText().trim() !== '' && !mcsError()) link.minClusterSize = minClusterSize();
    return new URL(linkQuery(link, location.search), location.href).href;
  });
  const noLinkReason = () =>
    props.share.source === null && props.result ? 'No link for this map: it was made from a file on your computer, and links never carry your data. Export a map file to share it instead.' : null;

  const copyLink = async () => {
    const link = shareLink();
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      setCopied('Copy failed; select the link above and copy it.');
    }
  };

  onMount(() => {
    const hook = window.__mapstream;
    if (!hook) return;
    Object.defineProperties(hook, {
      clusters: { configurable: true, value: () => clusters()?.labels ?? null },
      clusterCount: { configurable: true, get: () => clusters()?.count ?? 0 },
      selection: { configurable: true, value: () => selection().slice() },
      screenPosition: { configurable: true, value: (i: number) => control?.screenPosition(i) ?? null },
      shareLink: { configurable: true, get: () => shareLink() },
    });
  });

  // The selection list shows one column: the labels if there are any, else the first text column.
  const listColumn = () => {
    const cols = meta();
    const labelName = props.input?.dataset.labelName;
    return cols.find((c) => c.name === labelName) ?? cols.find((c) => !(c.values instanceof Float64Array)) ?? cols[0] ?? null;
  };

  return (
    <div class="explorer">
      <div class="map-toolbar" data-testid="map-toolbar">
        <label>
          Colour by{' '}
          <select data-testid="color-by" value={colorByKey(colorBy())} onChange={(e) => setColorKey(e.currentTarget.value)}>
            <option value="label" disabled={!props.frame?.categories}>
              label
            </option>
            <option value="cluster">HDBSCAN cluster</option>
            <For each={meta()}>{(m) => <option value={`meta:${m.name}`}>{m.name}</option>}</For>
            <option value="none">nothing</option>
          </select>
        </label>
        <label title="HDBSCAN's min_cluster_size: smaller finds more, smaller clusters">
          Min cluster size{' '}
          <input data-testid="min-cluster-size" type="text" inputmode="numeric" size="5" placeholder={String(defaultMinClusterSize(Math.max(1, n())))} value={mcsText()} onChange={(e) => setMcsText(e.currentTarget.value)} />
        </label>
        <label>
          Size{' '}
          <input data-testid="point-size" type="range" min="0.5" max="12" step="0.5" value={pointSize() ?? autoPointSize(n())} onInput={(e) => setPointSize(Number(e.currentTarget.value))} />
        </label>
        <label>
          Opacity{' '}
          <input data-testid="opacity" type="range" min="0.05" max="1" step="0.05" value={opacity()} disabled={style().opacityByDensity} onInput={(e) => setOpacity(Number(e.currentTarget.value))} />
        </label>
        <label>
          <input data-testid="opacity-density" type="checkbox" checked={style().opacityByDensity} onChange={(e) => setDensity(e.currentTarget.checked)} /> by density
        </label>
        <button type="button" data-testid="reset-view" onClick={() => control?.resetView()}>
          Reset view
        </button>
        <button
          type="button"
          data-testid="lasso-mode"
          aria-pressed={lassoMode()}
          title="Or hold Shift and drag"
          onClick={() => {
            setLassoMode(!lassoMode());
            control?.setLassoMode(lassoMode());
          }}
        >
          Lasso
        </button>
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            runSearch();
          }}
        >
          <input data-testid="search" type="search" placeholder="Search metadata" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
          <button type="submit">Find</button>
          <Show when={searchNote()}>{(s) => <span data-testid="search-note">{s()}</span>}</Show>
        </form>
      </div>
      <div class="map-area" ref={mapArea} onPointerMove={(e) => setPointer([e.clientX - mapArea.getBoundingClientRect().left, e.clientY - mapArea.getBoundingClientRect().top])} onPointerLeave={() => setHover(null)}>
        <ScatterMap
          frame={props.frame}
          coloring={coloring().coloring}
          style={style()}
          onHover={setHover}
          onSelect={(pts) => setSelection(pts)}
          onView={setView}
          onDrawn={onDrawn}
          control={(c) => (control = c)}
        />
        <Show when={props.frame && coloring().coloring.legend}>{(spec) => <MapLegend spec={spec()} />}</Show>
        <Show when={props.frame && coloring().note}>{(note) => <div class="map-note map-note-top">{note()}</div>}</Show>
        <Tooltip content={tooltip()} x={pointer()[0]} y={pointer()[1]} />
      </div>
      <div class="map-panels">
        <SelectionPanel
          selection={selection()}
          n={n()}
          clusters={clusters()?.labels ?? null}
          listColumn={listColumn()}
          onExport={() => void doExport('selection')}
          onClear={() => control?.deselect()}
        />
        <ExportPanel
          meta={meta()}
          chosen={chosenMeta()}
          onChoose={setChosenMeta}
          hasResult={!!props.result}
          onExport={(kind) => void doExport(kind)}
          error={exportError()}
          clusterNote={clusterNote()}
          mcsError={mcsError()}
        />
        <SharePanel link={shareLink()} noLinkReason={noLinkReason()} copied={copied()} onCopy={() => void copyLink()} />
      </div>
    </div>
  );
}

function countNoise(labels: Int32Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! < 0) c++;
  return c;
}
