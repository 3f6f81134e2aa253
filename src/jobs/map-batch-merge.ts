// A library map's added batches are append-only: a write of the map never drops a batch the stored
// map has and the writer does not know of (another tab landed it, or it landed while this tab's copy
// was being read). Batches are matched by id; the library merges every write through mergeBatches,
// inside the one IndexedDB transaction that reads the stored map and writes the new one.
import type { MapFile } from '../export/map-file';
import type { MetaColumn } from '../io/dataset';
import { checksumOf } from './checksum';

/** One added batch's points in a map file: rows [start, end). */
interface BatchSpan {
  id: string;
  name: string;
  start: number;
  end: number;
}

/**
 * The id of a batch saved without one (a map file or library map written before batches had ids):
 * its content, so every tab and every save names it alike.
 */
function contentId(coords: Float32Array, name: string): string {
  return `content:${checksumOf({ c: coords, name }).checksum}`;
}

/** The number of fitted points (batch 0, first) and each batch's span, with its id. */
function batchSpans(m: MapFile): { fitted: number; spans: BatchSpan[] } {
  const n = m.coords.length / m.nComponents;
  if (!m.batches) return { fitted: n, spans: [] };
  const of = m.batches.of;
  let fitted = 0;
  while (fitted < of.length && of[fitted] === 0) fitted++;
  const spans: BatchSpan[] = [];
  const seen = new Map<string, number>();
  let at = fitted;
  m.batches.names.forEach((name, i) => {
    let end = at;
    while (end < of.length && of[end] === i + 1) end++;
    let id = m.batches!.ids?.[i];
    if (id === undefined) {
      const base = contentId(m.coords.subarray(at * m.nComponents, end * m.nComponents), name);
      // The same file added twice gives the same points: the second is still its own batch.
      const dup = seen.get(base) ?? 0;
      seen.set(base, dup + 1);
      id = dup === 0 ? base : `${base}:${dup + 1}`;
    }
    spans.push({ id, name, start: at, end });
    at = end;
  });
  return { fitted, spans };
}

/** The ids of a map file's batches, batch 1 first (none: []). */
export function batchIdsOf(m: MapFile): string[] {
  return batchSpans(m).spans.map((s) => s.id);
}

/**
 * Whether writing `incoming` over a stored map whose batches are `storedIds` needs the stored map to
 * merge: it does unless incoming already holds every stored batch, first and in the stored order.
 */
export function needsStoredBatches(storedIds: readonly string[] | undefined, incoming: MapFile): boolean {
  if (storedIds === undefined) return true;
  if (storedIds.length === 0) return false;
  const ids = batchIdsOf(incoming);
  return storedIds.some((id, i) => ids[i] !== id);
}

/** A run of points taken from one map file. */
interface Part {
  from: MapFile;
  start: number;
  end: number;
}

/**
 * What a write of `incoming` stores over `stored`: the stored batches in their order (a batch both
 * hold taken from the `prefer`red copy, as is the fitted map), then the batches only incoming has.
 * A stored map whose fitted points differ from incoming's is another map under the same entry (its
 * batches were placed on other points), so incoming replaces it whole. Returns incoming itself when
 * the merge would give it back unchanged.
 */
export function mergeBatches(stored: MapFile, incoming: MapFile, prefer: 'incoming' | 'stored' = 'incoming'): MapFile {
  const st = batchSpans(stored);
  const inc = batchSpans(incoming);
  if (stored.nComponents !== incoming.nComponents || st.fitted !== inc.fitted || !sameValues(stored.coords, incoming.coords, st.fitted * stored.nComponents)) return incoming;
  const base = prefer === 'incoming' ? incoming : stored;
  const incById = new Map(inc.spans.map((s) => [s.id, s]));
  const stIds = new Set(st.spans.map((s) => s.id));
  const parts: Part[] = [{ from: base, start: 0, end: st.fitted }];
  const names: string[] = [];
  const ids: string[] = [];
  const take = (from: MapFile, s: BatchSpan) => {
    parts.push({ from, start: s.start, end: s.end });
    names.push(s.name);
    ids.push(s.id);
  };
  for (const s of st.spans) {
    const mine = incById.get(s.id);
    if (mine && prefer === 'incoming') take(incoming, mine);
    else take(stored, s);
  }
  for (const s of inc.spans) if (!stIds.has(s.id)) take(incoming, s);
  if (prefer === 'incoming' && ids.length === inc.spans.length && ids.every((id, i) => id === inc.spans[i]!.id)) return incoming;
  return assemble(base, parts, names, ids);
}

function sameValues(a: Float32Array, b: Float32Array, count: number): boolean {
  if (a.length < count || b.length < count) return false;
  // Bit for bit: the fitted map never moves when points are added, so its stored copy is identical.
  const x = new Uint32Array(a.buffer, a.byteOffset, count);
  const y = new Uint32Array(b.buffer, b.byteOffset, count);
  for (let i = 0; i < count; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A map file of `base`'s columns over these parts (the fitted points first, then one part per batch). */
function assemble(base: MapFile, parts: Part[], names: string[], ids: string[]): MapFile {
  const k = base.nComponents;
  const total = parts.reduce((s, p) => s + p.end - p.start, 0);
  const coords = new Float32Array(total * k);
  const of = new Uint16Array(total);
  let at = 0;
  parts.forEach((p, i) => {
    coords.set(p.from.coords.subarray(p.start * k, p.end * k), at * k);
    of.fill(i, at, at + p.end - p.start);
    at += p.end - p.start;
  });
  const out: MapFile = { ...base, coords, batches: { names, of, ids } };
  if (base.labels) out.labels = parts.flatMap((p) => p.from.labels?.slice(p.start, p.end) ?? new Array<string>(p.end - p.start).fill(''));
  else delete out.labels;
  if (base.clusters) {
    const clusters = new Int32Array(total).fill(-1);
    at = 0;
    for (const p of parts) {
      if (p.from.clusters) clusters.set(p.from.clusters.subarray(p.start, p.end), at);
      at += p.end - p.start;
    }
    out.clusters = clusters;
  } else delete out.clusters;
  if (base.meta) out.meta = base.meta.map((col) => column(col, parts, total));
  return out;
}

/** `col` over the parts: each part's own column of that name, as col's kind, else empty. */
function column(col: MetaColumn, parts: Part[], total: number): MetaColumn {
  const sources = parts.map((p) => p.from.meta?.find((c) => c.name === col.name)?.values ?? null);
  if (col.values instanceof Float64Array) {
    const v = new Float64Array(total).fill(Number.NaN);
    let at = 0;
    parts.forEach((p, i) => {
      const src = sources[i];
      if (src instanceof Float64Array) v.set(src.subarray(p.start, p.end), at);
      else if (src) for (let j = p.start; j < p.end; j++) v[at + j - p.start] = src[j] === '' ? Number.NaN : Number(src[j]);
      at += p.end - p.start;
    });
    return { name: col.name, values: v };
  }
  const v: string[] = [];
  parts.forEach((p, i) => {
    const src = sources[i];
    for (let j = p.start; j < p.end; j++) {
      const x = src?.[j];
      v.push(x === undefined || (typeof x === 'number' && Number.isNaN(x)) ? '' : String(x));
    }
  });
  return { name: col.name, values: v };
}
