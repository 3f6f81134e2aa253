// A map's added batches in and out of its whole-map views: the result (exports, the stored map)
// lists the fitted points first and the added ones after, and a map file with batches opens as its
// fitted map plus those batches.
import type { MapFile } from '../../export/map-file';
import type { MetaColumn } from '../../io/dataset';
import { batchIdsOf } from '../../jobs/map-batch-merge';
import { extendMeta, type Batches, type MapBatch } from './map-batches';
import type { MapResult } from './map-types';

/** Each point's batch and the batches' names (batch 0: the fitted map), or null without added points. */
export interface BatchInfo {
  of: Uint16Array;
  names: string[];
}

export function batchInfo(b: Batches): BatchInfo | null {
  const of = b.batchOf();
  return of ? { of, names: b.names() } : null;
}

/** The fitted result with the added points' coordinates (and saved clusters) after its own. */
export function withBatches(r: MapResult | null, b: Batches): MapResult | null {
  const added = b.addedCoords();
  if (!r || !added) return r;
  const coords = new Float32Array(r.coords.length + added.length);
  coords.set(r.coords);
  coords.set(added, r.coords.length);
  const out: MapResult = { ...r, coords };
  const clusters = b.addedClusters();
  if (r.clusters && clusters) {
    out.clusters = new Int32Array(r.clusters.length + clusters.length);
    out.clusters.set(r.clusters);
    out.clusters.set(clusters, r.clusters.length);
  }
  return out;
}

/** A map file's fitted map alone, and its batches as the map store holds them. */
export function splitMapFile(m: MapFile): { fitted: MapFile; batches: MapBatch[] } {
  if (!m.batches) return { fitted: m, batches: [] };
  const of = m.batches.of;
  const k = m.nComponents;
  let n = 0;
  while (n < of.length && of[n] === 0) n++;
  const cut = <T extends { slice(a: number, b?: number): T }>(v: T) => v.slice(0, n);
  const fitted: MapFile = { ...m, coords: m.coords.slice(0, n * k) };
  delete fitted.batches;
  if (m.labels) fitted.labels = cut(m.labels);
  if (m.clusters) fitted.clusters = cut(m.clusters);
  if (m.meta) fitted.meta = m.meta.map((c) => ({ name: c.name, values: cut(c.values) }));
  const batches: MapBatch[] = [];
  const ids = batchIdsOf(m);
  let at = n;
  m.batches.names.forEach((name, i) => {
    let end = at;
    while (end < of.length && of[end] === i + 1) end++;
    const metadata: MetaColumn[] = (m.meta ?? []).map((c) => ({ name: c.name, values: c.values.slice(at, end) }));
    if (m.labels) metadata.push({ name: m.labelName ?? 'label', values: m.labels.slice(at, end) });
    const clusters = m.clusters ? m.clusters.slice(at, end) : new Int32Array(end - at).fill(-1);
    batches.push({ id: ids[i]!, name, coords: m.coords.slice(at * k, end * k), m: end - at, clusters, metadata, advice: [] });
    at = end;
  });
  return { fitted, batches };
}

/** The inverse of splitMapFile: a fitted map file with these batches after its own points (what the map store saves). */
export function joinMapFile(fitted: MapFile, batches: MapBatch[]): MapFile {
  if (batches.length === 0) return fitted;
  const k = fitted.nComponents;
  const n = fitted.coords.length / k;
  const total = n + batches.reduce((s, b) => s + b.m, 0);
  const coords = new Float32Array(total * k);
  const of = new Uint16Array(total);
  coords.set(fitted.coords);
  let at = n;
  batches.forEach((b, i) => {
    coords.set(b.coords, at * k);
    of.fill(i + 1, at, at + b.m);
    at += b.m;
  });
  const m: MapFile = { ...fitted, coords, meta: extendMeta(fitted.meta ?? [], batches), batches: { names: batches.map((b) => b.name), of } };
  recordBatchIds(m, batches);
  if (fitted.labels) m.labels = extendMeta([{ name: fitted.labelName ?? 'label', values: fitted.labels }], batches)[0]!.values as string[];
  if (fitted.clusters) {
    const clusters = new Int32Array(total);
    clusters.set(fitted.clusters);
    at = n;
    for (const b of batches) {
      clusters.set(b.clusters, at);
      at += b.m;
    }
    m.clusters = clusters;
  }
  return m;
}

/**
 * Write the batches' ids into `m` (whose `batches` lists them in this order), so a save of the map
 * merges with its stored copy by id. A batch made without an id gets the one its content gives it.
 */
export function recordBatchIds(m: MapFile, list: readonly MapBatch[]): void {
  if (!m.batches || m.batches.names.length !== list.length) return;
  const byContent = list.every((b) => b.id !== undefined) ? [] : batchIdsOf(m);
  m.batches.ids = list.map((b, i) => b.id ?? byContent[i]!);
}
