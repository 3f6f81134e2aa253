// Glue between App.tsx and the map explorer: opening map files, and starting from a share link.
import { encodeCategories } from '../../io/categories';
import { looksLikeMapFile, parseMapFile, type MapFile } from '../../export/map-file';
import type { Ingested } from '../../jobs/ingest-client';
import { LinkError, parseLink, type MapLink } from '../../share/link';
import type { MapResult } from '../store/map-types';

/** The map file among the dropped files, parsed; null when they are not a map file. */
export async function readMapFile(files: File[]): Promise<MapFile | null> {
  if (files.length !== 1) return null;
  const file = files[0]!;
  const head = await file.slice(0, 64).text();
  if (!looksLikeMapFile(head)) return null;
  return parseMapFile(await file.text(), file.name);
}

/** An opened map shows like a dataset without vectors: labels and metadata for colour and tooltips. */
export function mapFileIngested(m: MapFile): Ingested {
  const n = m.coords.length / m.nComponents;
  const dataset: Ingested['dataset'] = { data: new Float32Array(0), n, d: 0, columns: [], fileName: m.name };
  if (m.labels) dataset.labels = m.labels;
  if (m.labelName !== undefined) dataset.labelName = m.labelName;
  if (m.meta) dataset.metadata = m.meta;
  return { dataset, categories: m.labels ? encodeCategories(m.labels) : null };
}

/**
 * A file that carried its own map (Dataset.coords), as a map file: the points where the file put
 * them, with its labels, metadata and any cluster column. Nothing was computed, so no parameters.
 */
export function precomputedMapFile(ing: Ingested): MapFile | null {
  const ds = ing.dataset;
  const c = ds.coords;
  if (!c) return null;
  const m: MapFile = { nComponents: c.dim, coords: c.data, params: {}, name: ds.fileName };
  if (ds.labels) m.labels = ds.labels;
  if (ds.labelName !== undefined) m.labelName = ds.labelName;
  if (ds.metadata) m.meta = ds.metadata;
  if (c.clusters) m.clusters = c.clusters;
  return m;
}

export function mapFileResult(m: MapFile): MapResult {
  const r: MapResult = { coords: m.coords, nComponents: m.nComponents, params: m.params, name: m.name };
  if (m.clusters) r.clusters = m.clusters;
  if (m.minClusterSize !== undefined) r.minClusterSize = m.minClusterSize;
  return r;
}

/** The map link in the page's URL, or an error message naming what is wrong with it. */
export function linkFromLocation(): { link: MapLink | null; error: string | null } {
  try {
    return { link: parseLink(location.search), error: null };
  } catch (err) {
    return { link: null, error: err instanceof LinkError ? err.message : String(err) };
  }
}
