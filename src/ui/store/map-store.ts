// The map on screen and what the explorer does with it: the frame shown (a live preview, a finished
// layout or an opened map file), where it came from, and its colouring, clusters, selection, share
// link and exports. Every finished map is also kept in this browser, so it reopens offline.
import { batch, createEffect, createMemo, createSignal, on, untrack, type Accessor } from 'solid-js';
import type { Categories } from '../../io/categories';
import type { MetaColumn } from '../../io/dataset';
import type { MapFile } from '../../export/map-file';
import type { Ingested } from '../../jobs/ingest-client';
import type { LinkSource, MapView } from '../../share/link';
import { mapFileIngested, mapFileResult } from '../map/app-bridge';
import { metadataColumns } from '../map/coloring';
import { saveMap, type SaveOrigin } from '../../jobs/map-library';
import { normalizeToUnitSquare } from '../normalize';
import type { ParamsFormState } from '../params-form-model';
import type { MapControl, MapFrame } from '../ScatterMap';
import { batchInfo, splitMapFile, withBatches } from './map-batch-file';
import { createBatches, extendMeta, type MapBatch, type PlacedPoints } from './map-batches';
import { createClustering } from './map-clusters';
import { createCategoryFilter, createColourChoice, createColouring, createMapStyle } from './map-colour';
import { createInspector } from './map-inspect';
import { createExports } from './map-export';
import { createMapQuality } from './map-quality';
import { createSelection } from './map-selection';
import { createShareLink } from './map-share';
import type { MapInitial, MapResult, OpenedMap, ShareState } from './map-types';

/** What a frame's colours by label come from. */
export interface FrameLabels {
  categories: Categories | null;
  labelName?: string;
}

/** `input`: the data a Run would use (the map of a run describes it; an opened map file has its own). */
export function createMapStore(input: Accessor<Ingested | null>, initial: MapInitial) {
  // The map as run or opened; `frame` adds the points placed on it since (map-batches.ts).
  const [baseFrame, setFrame] = createSignal<MapFrame | null>(null);
  // The last finished layout, row-major n × nComponents; previews of a newer run leave it as it is.
  const [coords, setCoords] = createSignal<Float32Array | null>(null);
  const [share, setShare] = createSignal<ShareState>({ source: null, params: null });
  const [opened, setOpened] = createSignal<OpenedMap | null>(null);
  const [view, setView] = createSignal<MapView | null>(null);
  // Which library entry (or job) the map shown is: re-saves of the same map update that entry in place.
  // One object per map shown, so a save finishing late records its id on the map it saved.
  const [origin, setOrigin] = createSignal<SaveOrigin>({});
  const [libraryEntry, setLibraryEntry] = createSignal<string | null>(null);
  let control: MapControl | null = null;
  let initialView = initial.view;
  // A new map (a run's result, an opened one) is fitted into the bare part of the map once drawn;
  // points added to it, new colours and clusters keep the view where the user left it.
  let fitPending = false;

  const batches = createBatches({
    base: baseFrame,
    fittedCoords: () => (baseFrame()?.final ? coords() : null),
    clusters: () => {
      const c = clustering.clusters();
      return c?.final ? c.labels : null;
    },
    minClusterSize: () => clustering.minClusterSize(),
    labelName: () => baseFrame()?.labelName,
  });
  const frame = batches.frame;
  const shownOpened = () => {
    const o = opened();
    return o && o.frame === baseFrame() ? o : null;
  };
  const shownInput = () => shownOpened()?.ing ?? input();
  const n = () => frame()?.x.length ?? 0;
  const meta = createMemo<MetaColumn[]>(() => {
    const ing = shownInput();
    return ing ? extendMeta(metadataColumns(ing.dataset), batches.batches()) : [];
  });
  const fittedResult = createMemo<MapResult | null>(() => {
    const f = baseFrame();
    const o = shownOpened();
    if (o) return o.result;
    const c = coords();
    if (!f?.final || !c) return null;
    const s = share();
    return { coords: c, nComponents: c.length / f.x.length, params: { ...(s.params ?? {}) }, name: input()?.dataset.fileName ?? 'map' };
  });
  // The finished map with its added points after the fitted ones.
  const result = createMemo<MapResult | null>(() => withBatches(fittedResult(), batches));

  const style = createMapStyle(n);
  const colour = createColourChoice(frame, initial.color);
  const selection = createSelection({ n, meta, control: () => control });
  const clustering = createClustering({
    frame,
    result,
    wanted: () => colour.colorBy().kind === 'cluster',
    initialMinClusterSize: initial.minClusterSize,
    onNewPoints: () => {
      selection.selected([]);
      inspector.close();
    },
    addedClusters: batches.addedClusters,
  });
  const colouring = createColouring({ frame, colorBy: colour.colorBy, clusters: clustering.clusters, meta, batches: () => batchInfo(batches) });
  const filter = createCategoryFilter({ colorBy: colour.colorBy, colouring });
  const inspector = createInspector({
    n,
    fitted: () => frame()?.added ?? n(),
    input: shownInput,
    metric: () => (result()?.params.metric === 'cosine' ? 'cosine' : 'euclidean'),
    jobId: () => origin().jobId ?? null,
  });
  const shareLink = createShareLink({
    share,
    result,
    view,
    colorKey: colour.colorKey,
    minClusterSize: () => (clustering.typed() && !clustering.mcsError() ? clustering.minClusterSize() : null),
  });
  const quality = createMapQuality({
    coords: () => (baseFrame()?.final ? coords() : null),
    nComponents: () => (coords()?.length ?? 0) / (baseFrame()?.x.length ?? 1),
    input: shownInput,
  });
  const exports = createExports({
    quality: quality.value,
    origin: () => origin(),
    frame,
    result,
    input: shownInput,
    meta,
    clusters: clustering.clusters,
    minClusterSize: clustering.minClusterSize,
    selection: selection.selection,
    coloring: () => colouring().coloring,
    style: style.style,
    shareLink: shareLink.link,
    control: () => control,
    batches: () => batchInfo(batches),
    addedBatches: batches.batches,
  });

  // Every finished map is kept in the library (IndexedDB), so it reopens offline.
  const setShown = (o: SaveOrigin) => {
    setOrigin(o);
    setLibraryEntry(o.libraryId ?? null);
  };
  createEffect(
    on([result, () => clustering.clusters()?.final], ([r, final]) => {
      if (!r || !final) return;
      const o = untrack(origin);
      // saveMap records the entry in `o` itself, so a second save already queued updates the same entry.
      void saveMap(exports.mapFileOf(r), o).then(
        (id) => {
          if (untrack(origin) === o) setLibraryEntry(id);
        },
        (err: unknown) => console.warn(`mapstream: the map could not be kept in the library: ${String(err)}`),
      );
    }),
  );

  return {
    frame,
    /** The last finished layout (null before the first). */
    coords,
    result,
    /** The dataset the map describes: an opened map file's own, else the data loaded. */
    input: shownInput,
    meta,
    n,
    share,
    view,
    style,
    colour,
    colouring,
    /** The legend's category filter, and the colouring the map draws with it. */
    filter,
    /** The point inspector: the inspected point and its high-D neighbours. */
    inspector,
    clustering,
    batches,
    /** Each point's batch (0: fitted) and the batches' names, once points were added; else null. */
    batchInfo: () => batchInfo(batches),
    selection,
    shareLink,
    exports,
    /** Trustworthiness and kNN recall of the finished map shown, measured in a Worker. */
    quality,
    control: () => control,
    /** The library entry of the map shown (null until it is saved, or when deleted). */
    libraryEntry,
    /** Where the map shown came from; pass it to show() with more points to update its library entry in place. */
    origin,

    /**
     * Put coordinates on the map; a final layout also becomes the map's result, saved to the library
     * as `origin` says (a new job's map, or the same entry as the map shown).
     */
    show(c: Float32Array, nComponents: number, labels: FrameLabels, final: boolean, from: SaveOrigin = {}) {
      const f: MapFrame = { ...normalizeToUnitSquare(c, nComponents), categories: labels.categories, final };
      if (labels.labelName !== undefined) f.labelName = labels.labelName;
      batch(() => {
        batches.clear();
        if (final) {
          setCoords(c);
          setShown(from);
          fitPending = true;
        }
        setFrame(f);
      });
    },
    /** A run starts: its map links back to this source with these parameters. */
    beginRun(source: LinkSource | null, params: ParamsFormState) {
      batches.clear();
      setShare({ source, params });
    },
    /**
     * Show a saved map (file or browser storage) as it was, without recomputing; `from`: its library
     * entry. A precomputed map passes the dataset it was read with, so its vectors stay with the map.
     */
    open(file: MapFile, from: SaveOrigin = {}, given?: Ingested) {
      // A map with added points opens as its fitted map, normalised on its own, plus its batches.
      const { fitted: m, batches: saved } = splitMapFile(file);
      const ing = given ?? mapFileIngested(m);
      const f: MapFrame = { ...normalizeToUnitSquare(m.coords, m.nComponents), categories: ing.categories, final: true };
      if (ing.dataset.labelName !== undefined) f.labelName = ing.dataset.labelName;
      batch(() => {
        setCoords(m.coords);
        setOpened({ frame: f, ing, result: mapFileResult(m) });
        setShown(from);
        setShare({ source: null, params: null });
        batches.restore(saved);
        fitPending = true;
        setFrame(f);
      });
    },
    /**
     * Put a placed batch of new points on the finished map: the view does not move, the fitted points
     * keep their places and clusters, and the new points take clusters from their fitted neighbours.
     * `id`: the transform job that placed them (the batch's identity in the library).
     */
    addBatch(placed: PlacedPoints, name: string, metadata?: MetaColumn[], id?: string): MapBatch {
      return batches.add(placed, name, metadata, id);
    },
    /**
     * A job has built the model of the map shown (a precomputed map indexed for adding points): the
     * map's origin records it, so its library entry and "Add points" find the model. The map is as it was.
     */
    attachJob(jobId: string, d: number) {
      const o = untrack(origin);
      const next: SaveOrigin = { ...o, jobId, d };
      setOrigin(next);
      const r = untrack(result);
      if (r) void saveMap(exports.mapFileOf(r), next).catch((err: unknown) => console.warn(`mapstream: the map's library entry could not record its model: ${String(err)}`));
    },
    /** The interactive map is ready to be asked for positions, views and selections. */
    attach(c: MapControl) {
      control = c;
    },
    viewChanged: setView,
    /** Esc: close the inspector, clear the selection and the search's count. */
    escape() {
      inspector.close();
      selection.clear();
    },
    /** The interactive map drew a frame: a link's view applies to the first finished one, else a new map is fitted. */
    drawn(f: MapFrame) {
      if (!f.final || !control) return;
      if (initialView) {
        control.setView(initialView);
        initialView = undefined;
      } else if (fitPending) control.resetView();
      fitPending = false;
    },
  };
}

export type MapStore = ReturnType<typeof createMapStore>;
