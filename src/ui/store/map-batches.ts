// Points added to a finished map: each batch's coordinates (in the fitted map's own units), its
// points' nearest fitted rows, and the clusters they take from them. The fitted points, their
// normalisation on screen and their clusters never change when a batch is added.
import { createMemo, createSignal, type Accessor } from 'solid-js';
import type { Categories } from '../../io/categories';
import type { MetaColumn } from '../../io/dataset';
import type { TransformJobResult } from '../../jobs/job-protocol';
import { approximatePredict, defaultMinSamples, predictModel, type PredictModel } from '../../jobs/engine-api';
import { applyUnitSquareFit, unitSquareFit } from '../normalize';
import type { MapFrame } from '../ScatterMap';
import { batchAdvice } from './map-batch-advice';

/** What addBatch needs of a transform job's result, so wiring one to it is one call. */
export type PlacedPoints = Pick<TransformJobResult, 'parent' | 'embedding' | 'm' | 'nComponents' | 'indices' | 'distances' | 'k' | 'meanNearestDistance' | 'fittedMeanKnnDistance'>;

export interface MapBatch {
  /**
   * The batch's lasting identity: the transform job that placed it (a fresh id for one put on the
   * map by hand). A library map's batches are merged by it across tabs and saves; a batch made
   * without one is known by its content once saved (src/jobs/map-batch-merge.ts).
   */
  id?: string;
  name: string;
  /** m × nComponents, in the fitted map's units. */
  coords: Float32Array;
  m: number;
  /** Cluster per point (-1 noise), from its fitted neighbours (approximate predict). */
  clusters: Int32Array;
  /** Metadata for the new points, matched to the map's columns by name. */
  metadata: MetaColumn[];
  /** Why a refit with all points would serve better (empty: none). */
  advice: string[];
}

/** The name the fitted points go by when the map is coloured by batch. */
const FITTED_BATCH_NAME = 'fitted map';

export function createBatches(o: {
  /** The map as computed or opened, without added points. */
  base: Accessor<MapFrame | null>;
  /** Its coordinates, row-major n × nComponents (null before a finished map). */
  fittedCoords: Accessor<Float32Array | null>;
  /** The clusters of the points shown now (fitted and added), when final. */
  clusters: Accessor<Int32Array | null>;
  minClusterSize: Accessor<number>;
  /** The label column's name, so added points with that column get their label's colour. */
  labelName: Accessor<string | undefined>;
}) {
  const [batches, setBatches] = createSignal<MapBatch[]>([]);
  // The fitted map's core distances, kept for the next batch: computing them is O(n log n).
  let model: { key: unknown; labels: Int32Array; mcs: number; model: PredictModel } | null = null;

  const fitted = () => o.base()?.x.length ?? 0;
  const added = () => batches().reduce((s, b) => s + b.m, 0);

  /** Batch per point (0: fitted) once there are added points, else null. */
  const batchOf = createMemo<Uint16Array | null>(() => {
    const list = batches();
    if (list.length === 0) return null;
    const of = new Uint16Array(fitted() + added());
    let at = fitted();
    list.forEach((b, i) => {
      of.fill(i + 1, at, at + b.m);
      at += b.m;
    });
    return of;
  });

  /** The frame shown: the fitted points exactly as they were, then the added ones in the same units. */
  const frame = createMemo<MapFrame | null>(() => {
    const base = o.base();
    const list = batches();
    const coords = o.fittedCoords();
    if (!base || list.length === 0 || !coords) return base;
    const nc = coords.length / base.x.length;
    const fit = unitSquareFit(coords, nc);
    const n = base.x.length + added();
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    x.set(base.x);
    y.set(base.y);
    let at = base.x.length;
    for (const b of list) {
      const p = applyUnitSquareFit(b.coords, nc, fit);
      x.set(p.x, at);
      y.set(p.y, at);
      at += b.m;
    }
    const f: MapFrame = { x, y, categories: base.categories && extendCategories(base.categories, list, o.labelName()), final: true, added: base.x.length };
    if (base.labelName !== undefined) f.labelName = base.labelName;
    return f;
  });

  const predictorFor = (labels: Int32Array, mcs: number): PredictModel => {
    const base = o.base()!;
    if (model?.key !== base || model.labels !== labels || model.mcs !== mcs) model = { key: base, labels, mcs, model: fittedPredictor(base.x, base.y, labels, mcs) };
    return model.model;
  };

  return {
    batches,
    batchOf,
    frame,
    /** Names of batch 0 (the fitted map), 1, 2… */
    names: () => [FITTED_BATCH_NAME, ...batches().map((b) => b.name)],
    /** Every added point's cluster, batch after batch. */
    addedClusters: () => concat(batches().map((b) => b.clusters)),
    /** The added points' coordinates, batch after batch (for the map's result and exports). */
    addedCoords: () => concat(batches().map((b) => b.coords)),

    /**
     * Put a placed batch on the map. Its clusters come from its nearest fitted points; nothing
     * about the fitted points changes. `id`: its transform job; a batch already shown is not added twice.
     */
    add(result: PlacedPoints, name: string, metadata: MetaColumn[] = [], id: string = newBatchId()): MapBatch {
      const shownAlready = batches().find((b) => b.id === id);
      if (shownAlready) return shownAlready;
      const base = o.base();
      const coords = o.fittedCoords();
      if (!base?.final || !coords) throw new Error('Add points to a finished map.');
      const n = base.x.length;
      checkBatch(result, n, coords.length / n, metadata);
      const shown = o.clusters();
      if (!shown || shown.length !== n + added()) throw new Error('The map is still being clustered; add points once its clusters are shown.');
      const b = placeBatch(predictorFor(shown.subarray(0, n), o.minClusterSize()), coords, result, name.trim() || `batch ${batches().length + 1}`, metadata, id);
      setBatches((list) => [...list, b]);
      return b;
    },
    /**
     * Batches this map's library entry gained elsewhere (another tab, or a landing while this copy was
     * read), after the ones shown: placed and clustered as stored. Returns the ones not shown yet.
     */
    append(list: MapBatch[]): MapBatch[] {
      const known = new Set(batches().map((b) => b.id));
      const fresh = list.filter((b) => b.id === undefined || !known.has(b.id));
      if (fresh.length > 0) setBatches((shown) => [...shown, ...fresh]);
      return fresh;
    },
    /** Batches saved in a map file: coordinates and clusters as they were stored. */
    restore(list: MapBatch[]) {
      model = null;
      setBatches(list);
    },
    /** Another map replaces this one: its batches go with it. */
    clear() {
      model = null;
      if (batches().length > 0) setBatches([]);
    },
  };
}

export type Batches = ReturnType<typeof createBatches>;

/** Refuse a placed batch that does not fit a map of n fitted points with nc coordinates each. */
export function checkBatch(result: PlacedPoints, n: number, nc: number, metadata: MetaColumn[]): void {
  if (result.nComponents !== nc) throw new Error(`The new points have ${result.nComponents} coordinates each; the map has ${nc}.`);
  if (result.m < 1) throw new Error('The batch has no points to add.');
  if (result.embedding.length !== result.m * nc || result.indices.length !== result.m * result.k)
    throw new Error(`The batch's arrays do not fit ${result.m} points (${result.embedding.length} coordinates, ${result.indices.length} neighbour indices).`);
  for (const m of metadata) if (m.values.length !== result.m) throw new Error(`Column ${m.name} has ${m.values.length} values for ${result.m} new points.`);
  if (n < 1) throw new Error('Add points to a finished map.');
}

/**
 * A checked batch as it goes on the map of `fittedCoords`: its clusters from its nearest fitted points
 * (`predictor`, over the fitted map as shown; null: the map has no clusters, so every point is noise)
 * and the advice on a refit. The map shown and a map kept in the library take batches this one way.
 */
export function placeBatch(predictor: PredictModel | null, fittedCoords: Float32Array, result: PlacedPoints, name: string, metadata: MetaColumn[], id?: string): MapBatch {
  const nc = result.nComponents;
  const n = fittedCoords.length / nc;
  let clusters: Int32Array;
  if (predictor) {
    const p = applyUnitSquareFit(result.embedding, nc, unitSquareFit(fittedCoords, nc));
    clusters = approximatePredict(predictor, { x: p.x, y: p.y, indices: result.indices, k: result.k });
  } else clusters = new Int32Array(result.m).fill(-1);
  const advice = batchAdvice({ batchSize: result.m, fittedSize: n, meanNearestDistance: result.meanNearestDistance, fittedMeanKnnDistance: result.fittedMeanKnnDistance });
  const b: MapBatch = { name: name.trim() || 'batch', coords: result.embedding, m: result.m, clusters, metadata, advice };
  if (id !== undefined) b.id = id;
  return b;
}

function newBatchId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `batch-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The predictor of a fitted map's clusters, over the map normalised as the map store shows it. */
export function fittedPredictor(x: Float32Array, y: Float32Array, labels: Int32Array, minClusterSize: number): PredictModel {
  return predictModel(x, y, labels, defaultMinSamples(minClusterSize));
}

/** The fitted points' categories, then each added point's: its own label when it has one, else "(added)". */
function extendCategories(c: Categories, list: MapBatch[], labelName: string | undefined): Categories {
  const names = [...c.names];
  const counts = [...c.counts];
  const index = new Map(names.map((name, i) => [name, i]));
  const parts: Uint16Array[] = [c.codes];
  for (const b of list) {
    const col = b.metadata.find((m) => m.name === (labelName ?? 'label'));
    const codes = new Uint16Array(b.m);
    for (let i = 0; i < b.m; i++) {
      const v = col ? col.values[i] : undefined;
      const name = v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? ADDED_CATEGORY : String(v);
      let code = index.get(name);
      if (code === undefined) {
        code = names.length;
        index.set(name, code);
        names.push(name);
        counts.push(0);
      }
      codes[i] = code;
      counts[code]!++;
    }
    parts.push(codes);
  }
  const codes = new Uint16Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    codes.set(p, at);
    at += p.length;
  }
  return { codes, names, counts };
}

const ADDED_CATEGORY = '(added, no label)';

function concat<T extends Int32Array | Float32Array>(parts: T[]): T | null {
  if (parts.length === 0) return null;
  const out = new (parts[0]!.constructor as new (n: number) => T)(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The map's metadata columns extended over the added points: their own values by name, else empty. */
export function extendMeta(cols: MetaColumn[], list: MapBatch[]): MetaColumn[] {
  if (list.length === 0) return cols;
  return cols.map((col) => {
    const numeric = col.values instanceof Float64Array;
    const parts = list.map((b) => b.metadata.find((m) => m.name === col.name)?.values ?? null);
    if (numeric) {
      const total = col.values.length + list.reduce((s, b) => s + b.m, 0);
      const v = new Float64Array(total).fill(Number.NaN);
      v.set(col.values as Float64Array);
      let at = col.values.length;
      list.forEach((b, i) => {
        const p = parts[i];
        if (p) for (let j = 0; j < b.m; j++) v[at + j] = typeof p[j] === 'number' ? (p[j] as number) : Number(p[j]);
        at += b.m;
      });
      return { name: col.name, values: v };
    }
    const v = [...(col.values as string[])];
    list.forEach((b, i) => {
      const p = parts[i];
      for (let j = 0; j < b.m; j++) {
        const x = p?.[j];
        v.push(x === undefined || (typeof x === 'number' && Number.isNaN(x)) ? '' : String(x));
      }
    });
    return { name: col.name, values: v };
  });
}
