import type { MetaColumn } from '../io/dataset';
import { float32Text } from './csv';
import { messageOf } from '../io/error-message';

/**
 * A saved map: everything needed to show it again without recomputing. The first key is
 * "mapstream" (the format version), which is how the app tells a map file from a JSON dataset.
 */
export interface MapFile {
  nComponents: number;
  /** Row-major n × nComponents float32, exactly as computed. */
  coords: Float32Array;
  labels?: string[];
  labelName?: string;
  clusters?: Int32Array;
  minClusterSize?: number;
  /** The UMAP parameters the map was computed with (seed included). */
  params: Record<string, unknown>;
  /** The share link's query for demo and URL sources; absent for local files. */
  link?: string;
  meta?: MetaColumn[];
  /** The data file's name, for the map's title. */
  name: string;
  /**
   * Points added to the map after its fit (version 2): coords, labels, clusters and meta then cover
   * the fitted points first and the added ones after, and `of` says each point's batch (0: fitted).
   */
  batches?: MapFileBatches;
}

interface MapFileBatches {
  /** The added batches' names, batch 1 first. */
  names: string[];
  /** Batch per point: 0 for the fitted map, i for names[i - 1]. */
  of: Uint16Array;
  /**
   * Each batch's lasting identity (the transform job that placed it), batch 1 first: a map saved from
   * two tabs keeps every batch either of them added, matched by these (src/jobs/map-batch-merge.ts).
   * Absent in files written before ids existed; their batches are then known by their content.
   */
  ids?: string[];
}

/** Version 2 added `batches`; version 1 files (no added points) read as they always did. */
const MAP_FILE_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
export const MAP_FILE_EXTENSION = '.map.json';

export function toMapFileParts(m: MapFile): string[] {
  const n = m.coords.length / m.nComponents;
  const head: Record<string, unknown> = { mapstream: MAP_FILE_VERSION, name: m.name, n, nComponents: m.nComponents, params: m.params };
  if (m.link !== undefined) head.link = m.link;
  if (m.labelName !== undefined) head.labelName = m.labelName;
  if (m.minClusterSize !== undefined) head.minClusterSize = m.minClusterSize;
  const parts = [JSON.stringify(head).slice(0, -1)];
  // Coordinates as shortest float32 text: exact on reload, and about half the size of float64 text.
  let buf = ',"coords":[';
  for (let i = 0; i < m.coords.length; i++) {
    buf += (i > 0 ? ',' : '') + float32Text(m.coords[i]!);
    if (buf.length > 1 << 20) {
      parts.push(buf);
      buf = '';
    }
  }
  parts.push(buf + ']');
  if (m.labels) parts.push(`,"labels":${JSON.stringify(m.labels)}`);
  if (m.clusters) parts.push(`,"clusters":[${m.clusters.join(',')}]`);
  if (m.batches) {
    const b: Record<string, unknown> = { names: m.batches.names, of: Array.from(m.batches.of) };
    if (m.batches.ids) b.ids = m.batches.ids;
    parts.push(`,"batches":${JSON.stringify(b)}`);
  }
  if (m.meta && m.meta.length > 0) {
    const cols = m.meta.map((c) => ({
      name: c.name,
      kind: c.values instanceof Float64Array ? 'number' : 'text',
      values: Array.from(c.values as ArrayLike<number | string>, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)),
    }));
    parts.push(`,"meta":${JSON.stringify(cols)}`);
  }
  parts.push('}');
  return parts;
}

/** True when the first bytes look like a map file rather than some other JSON. */
export function looksLikeMapFile(head: string): boolean {
  return /^\uFEFF?\s*\{\s*"mapstream"\s*:/.test(head);
}

class MapFileError extends Error {
  override name = 'MapFileError';
}

export function parseMapFile(text: string, fileName = 'map file'): MapFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MapFileError(`${fileName} is not valid JSON (${messageOf(err)}).`);
  }
  const fail = (what: string): never => {
    throw new MapFileError(`${fileName}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not a mapstream map file.');
  const o = raw as Record<string, unknown>;
  if (!READABLE_VERSIONS.includes(o.mapstream as number)) fail(`unsupported map file version ${JSON.stringify(o.mapstream)} (this app reads versions ${READABLE_VERSIONS.join(' and ')}).`);
  const n = o.n;
  const k = o.nComponents;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return fail(`"n" must be a positive whole number (got ${JSON.stringify(n)}).`);
  if (k !== 2 && k !== 3) return fail(`"nComponents" must be 2 or 3 (got ${JSON.stringify(k)}).`);
  if (!Array.isArray(o.coords) || o.coords.length !== n * k)
    fail(`"coords" must hold n × nComponents = ${n * k} numbers (got ${Array.isArray(o.coords) ? o.coords.length : typeof o.coords}).`);
  const coords = new Float32Array(n * k);
  (o.coords as unknown[]).forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`coordinate ${i} is not a finite number (${JSON.stringify(v)}).`);
    coords[i] = v as number;
  });
  const out: MapFile = {
    nComponents: k,
    coords,
    params: typeof o.params === 'object' && o.params !== null ? (o.params as Record<string, unknown>) : {},
    name: typeof o.name === 'string' ? o.name : fileName,
  };
  if (o.labels !== undefined) {
    if (!Array.isArray(o.labels) || o.labels.length !== n || !o.labels.every((l) => typeof l === 'string')) fail(`"labels" must be ${n} strings.`);
    out.labels = o.labels as string[];
  }
  if (typeof o.labelName === 'string') out.labelName = o.labelName;
  if (o.clusters !== undefined) {
    if (!Array.isArray(o.clusters) || o.clusters.length !== n || !o.clusters.every((c) => Number.isInteger(c) && (c as number) >= -1)) fail(`"clusters" must be ${n} whole numbers ≥ -1.`);
    out.clusters = Int32Array.from(o.clusters as number[]);
  }
  if (o.batches !== undefined) out.batches = parseBatches(o.batches, n, fail);
  if (typeof o.minClusterSize === 'number') out.minClusterSize = o.minClusterSize;
  if (typeof o.link === 'string') out.link = o.link;
  if (o.meta !== undefined) {
    if (!Array.isArray(o.meta)) fail('"meta" must be a list of columns.');
    out.meta = (o.meta as unknown[]).map((c, j) => {
      const col = c as { name?: unknown; kind?: unknown; values?: unknown };
      if (typeof col.name !== 'string' || !Array.isArray(col.values) || col.values.length !== n) return fail(`metadata column ${j + 1} must have a name and ${n} values.`);
      if (col.kind === 'number') return { name: col.name, values: Float64Array.from(col.values as (number | null)[], (v) => (v === null ? NaN : v)) };
      return { name: col.name, values: (col.values as unknown[]).map((v) => (v === null || v === undefined ? '' : String(v))) };
    });
  }
  return out;
}

function parseBatches(raw: unknown, n: number, fail: (what: string) => never): MapFileBatches {
  const b = raw as { names?: unknown; of?: unknown; ids?: unknown };
  if (typeof b !== 'object' || b === null || !Array.isArray(b.names) || !b.names.every((x) => typeof x === 'string')) return fail('"batches" must have a list of names.');
  const names = b.names as string[];
  if (!Array.isArray(b.of) || b.of.length !== n) return fail(`"batches.of" must hold a batch number for each of the ${n} points.`);
  const of = new Uint16Array(n);
  (b.of as unknown[]).forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > names.length) fail(`point ${i + 1} has batch ${JSON.stringify(v)}; the file names ${names.length} batches.`);
    // Fitted points come first: an added point before a fitted one means the file was not written by this app.
    if (i > 0 && (v as number) < of[i - 1]!) fail(`point ${i + 1} is in batch ${v as number} after a point of batch ${of[i - 1]}; batches must follow the fitted points in order.`);
    of[i] = v as number;
  });
  if (b.ids === undefined) return { names, of };
  if (!Array.isArray(b.ids) || b.ids.length !== names.length || !b.ids.every((x) => typeof x === 'string' && x.length > 0))
    return fail(`"batches.ids" must hold a non-empty text id for each of the ${names.length} batches.`);
  const ids = b.ids as string[];
  const twice = ids.find((x, i) => ids.indexOf(x) !== i);
  if (twice !== undefined) fail(`"batches.ids" names batch ${JSON.stringify(twice)} twice.`);
  return { names, of, ids };
}
