// "Refit with all points": a new fit of the fitted rows and every added batch's rows, whose layout
// starts from where those points are on the map now (the fitted points' coordinates, then each batch's
// placed ones) with the warm start's few epochs, so the familiar map stays mostly in place.
import { createSignal } from 'solid-js';
import { encodeCategories } from '../../io/categories';
import type { MetaColumn } from '../../io/dataset';
import { warmStartOf, epochsFor, type UmapParams, type WarmStart } from '../../jobs/engine-api';
import type { Ingested } from '../../jobs/ingest-client';
import type { JobRows as Rows } from '../../jobs/run-job';
import type { MapBatch } from './map-batches';

/** The name the fitted points' rows go by in the refit's `batch` column, as when colouring by batch. */
const FITTED = 'fitted map';

/** One part of a refit: its rows, where its points are on the map now, and its metadata. */
export interface RefitPart {
  name: string;
  rows: Rows;
  /** rows.n × nComponents, in the fitted map's own units. */
  coords: Float32Array;
  metadata: MetaColumn[];
}

/** A refit's input: the rows of every part, in order, and the map they start from. */
export interface RefitInput {
  rows: Rows;
  /** n × nComponents: the parts' coordinates, in the same order as the rows. */
  init: Float32Array;
  /** The part each row came from (0: the fitted map, i: the i-th batch). */
  partOf: Uint16Array;
  names: string[];
}

/**
 * The fitted rows then each batch's, and their coordinates in the same order. Throws, naming the
 * part, when its rows are not its points' (another count) or not of the map's dimension.
 */
export function assembleRefit(parts: RefitPart[], nComponents: number): RefitInput {
  if (parts.length === 0) throw new Error('There is nothing to refit.');
  const d = parts[0]!.rows.d;
  let n = 0;
  for (const p of parts) {
    if (p.rows.d !== d) throw new Error(`"${p.name}" has ${p.rows.d} dimensions, but the map's rows have ${d}.`);
    if (p.rows.data.length !== p.rows.n * d) throw new Error(`"${p.name}" has ${p.rows.data.length} values, not ${p.rows.n} rows × ${d}.`);
    if (p.coords.length !== p.rows.n * nComponents) {
      throw new Error(`"${p.name}" has ${p.rows.n} rows but ${p.coords.length / nComponents} points on the map; its rows are not the ones it placed.`);
    }
    n += p.rows.n;
  }
  const data = new Float32Array(n * d);
  const init = new Float32Array(n * nComponents);
  const partOf = new Uint16Array(n);
  let at = 0;
  parts.forEach((p, i) => {
    data.set(p.rows.data, at * d);
    init.set(p.coords, at * nComponents);
    partOf.fill(i, at, at + p.rows.n);
    at += p.rows.n;
  });
  return { rows: { data, n, d }, init, partOf, names: parts.map((p) => p.name) };
}

/**
 * The refit's rows as a loaded dataset, so it runs and shows like any run: the fitted dataset's
 * columns and label, each metadata column carried on for the batches that have it (empty, or NaN,
 * where one does not), and a `batch` column saying where each point came from.
 */
export function refitIngested(fitted: Ingested, parts: RefitPart[], input: RefitInput): Ingested {
  const ds = fitted.dataset;
  const n = input.rows.n;
  const columns: MetaColumn[] = (ds.metadata ?? []).filter((c) => c.name !== 'batch').map((c) => ({ name: c.name, values: joinColumn(c, parts, n) }));
  columns.push({ name: 'batch', values: Array.from(input.partOf, (i) => input.names[i] ?? '') });
  const labelColumn = ds.labelName !== undefined ? columns.find((c) => c.name === ds.labelName) : undefined;
  const labels = ds.labels ? (labelColumn && Array.isArray(labelColumn.values) ? labelColumn.values : joinLabels(ds.labels, n)) : undefined;
  const dataset: Ingested['dataset'] = { data: input.rows.data, n, d: input.rows.d, columns: ds.columns, fileName: `${ds.fileName} + ${n - parts[0]!.rows.n} added`, metadata: columns };
  if (labels) dataset.labels = labels;
  if (ds.labelName !== undefined) dataset.labelName = ds.labelName;
  return { dataset, categories: labels ? encodeCategories(labels) : null };
}

function joinColumn(c: MetaColumn, parts: RefitPart[], n: number): string[] | Float64Array {
  const numeric = !Array.isArray(c.values);
  const out: string[] | Float64Array = numeric ? new Float64Array(n).fill(Number.NaN) : new Array<string>(n).fill('');
  let at = 0;
  parts.forEach((p, i) => {
    const own = i === 0 ? c : p.metadata.find((m) => m.name === c.name);
    if (own) for (let r = 0; r < p.rows.n && r < own.values.length; r++) writeCell(out, at + r, own.values[r]!);
    at += p.rows.n;
  });
  return out;
}

function writeCell(out: string[] | Float64Array, at: number, v: string | number): void {
  if (Array.isArray(out)) out[at] = String(v);
  else out[at] = typeof v === 'number' ? v : Number(v);
}

function joinLabels(labels: string[], n: number): string[] {
  const out = new Array<string>(n).fill('');
  for (let r = 0; r < labels.length && r < n; r++) out[r] = labels[r]!;
  return out;
}

export interface RefitDeps {
  /** The map shown: the fitted points' coordinates (n × nComponents), the batches added to it, the loaded data. */
  coords(): Float32Array | null;
  batches(): MapBatch[];
  /** The fitted map's dataset with its rows (the data loaded, or the fit's stored dataset read back). */
  fitted(): Promise<Ingested | null>;
  /** Each batch's rows, in the order of batches(): the transform jobs' stored datasets, or the rows still in memory. */
  batchRows(): Promise<Rows[]>;
  /** Start the fit and follow it on screen as any run (the jobs store's run), with this warm start. */
  run(ing: Ingested, warm: (params: UmapParams) => WarmStart): void;
  fail(e: unknown): void;
}

/** "Refit with all points" for the map shown; `busy` while the rows are gathered. */
export function createRefit(deps: RefitDeps) {
  const [busy, setBusy] = createSignal(false);

  /** Gather the rows, then start the refit from the points' current positions. */
  const refitWithAll = async (): Promise<void> => {
    const coords = deps.coords();
    const batches = deps.batches();
    if (!coords || batches.length === 0) return deps.fail(new Error('Refit with all points needs a finished map with added points.'));
    setBusy(true);
    try {
      const [fitted, rows] = await Promise.all([deps.fitted(), deps.batchRows()]);
      if (!fitted || fitted.dataset.data.length === 0) throw new Error("The map's own rows are not available (open the file it was made from), so it cannot be refitted.");
      if (rows.length !== batches.length) throw new Error(`The rows of ${batches.length - rows.length} added batch(es) are no longer stored, so the map cannot be refitted with them.`);
      const nComponents = batches[0]!.coords.length / batches[0]!.m;
      const parts: RefitPart[] = [
        { name: FITTED, rows: fitted.dataset, coords, metadata: fitted.dataset.metadata ?? [] },
        ...batches.map((b, i) => ({ name: b.name, rows: rows[i]!, coords: b.coords, metadata: b.metadata })),
      ];
      const input = assembleRefit(parts, nComponents);
      const ing = refitIngested(fitted, parts, input);
      deps.run(ing, (p) => warmStartOf(input.init, epochsFor(p, input.rows.n)));
    } catch (e) {
      deps.fail(e);
    } finally {
      setBusy(false);
    }
  };

  return { busy, refitWithAll };
}
