// The library of finished maps, kept in this browser (IndexedDB database `mapstream-maps`, store
// `maps`) until the user deletes them. Two keys per map, so listing never reads a map's points:
//   entry:<id>  what the list shows (name, size, parameters, dates, where it came from)
//   map:<id>    the map itself: a MapFile as typed arrays (not its JSON text), its text columns each
//               packed into one string, so opening a large map is one IndexedDB read with no parsing
// The one map earlier versions kept ('last', a map-file text) is moved in once.
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { packStrings, unpackStrings } from './packed-strings';
import { parseMapFile, type MapFile } from '../export/map-file';
import type { MetaColumn } from '../io/dataset';
import { messageOf } from '../io/error-message';
import { checksumOf } from './checksum';
import { resilientStore } from './idb-connection';
import { batchIdsOf, mergeBatches, needsStoredBatches } from './map-batch-merge';

export interface LibraryEntry {
  id: string;
  name: string;
  n: number;
  /** The data's dimension; null when unknown (a map file does not record it). */
  d: number | null;
  nComponents: number;
  /** The UMAP parameters (the run's, else the map file's). */
  params: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** Bytes of the stored map (typed arrays, text as UTF-8): what this map takes in the browser's storage. */
  bytes: number;
  /** The fit job it came from; that job's stored data is the fitted model. */
  jobId?: string;
  /** Digest of the coordinates: the same map (same points, same places) is kept once. */
  coordsKey: string;
  /** Digest of what a re-save can change (coordinates, clusters, labels): an unchanged map is not written again. */
  contentKey: string;
  /**
   * The ids of the batches of points added to the map, batch 1 first, so a tab showing the map sees
   * from the list alone that another tab added one. Absent on entries written before batches had ids.
   */
  batchIds?: string[];
}

/** Where the map being saved came from. */
export interface SaveOrigin {
  /** The library entry the map shown is (a map that gains points keeps its entry). */
  libraryId?: string | null;
  jobId?: string;
  d?: number;
  params?: Record<string, unknown>;
  /** The backend that ran the job's layout ('cpu', 'webgpu'), when this page saw it finish (for exports' records). */
  backend?: string;
  /** Only add the map when no entry holds it yet (a job kept in the background: the explorer's save, with clusters and metadata, wins). */
  ifAbsent?: boolean;
  /**
   * The writer only adds batches (a batch landing in a map that is not shown): the stored map's fitted
   * points and batches stay as stored, and the writer's new batches follow them.
   */
  batchesOnly?: boolean;
}

const LEGACY_KEY = 'last';
const ENTRY = 'entry:';
const MAP = 'map:';
// A deleted map of a job, by the job's id (its coordinates' key as the value): that job's later saves
// of the same map stay out, in any tab and after a reload (a job whose stored end was lost, to a
// closed tab or a refused write, resumes and ends again on the same map).
const GONE = 'gone:';

let kv: UseStore | null = null;
const store = (): UseStore => {
  // After a clear of site data the next write opens a fresh library (idb-keyval's own store would keep the closed connection).
  kv ??= resilientStore('mapstream-maps', 'maps', { durability: 'default', stopWhenCleared: false });
  return kv;
};

const entryRange = () => IDBKeyRange.bound(ENTRY, `${ENTRY}\uffff`);

// --- change notices: this tab's library panel and other tabs' -------------------------------------

const listeners = new Set<() => void>();
let channel: BroadcastChannel | null = null;

/** Call `fn` after every change to the library, in this tab or another. */
export function onLibraryChange(fn: () => void): () => void {
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel('mapstream-library');
    channel.onmessage = () => {
      for (const l of listeners) l();
    };
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(): void {
  for (const l of listeners) l();
  channel?.postMessage('changed');
}

// Writes from this tab run one at a time, so a save that finds "no entry yet" cannot race a second
// save of the same map into a duplicate. (Across tabs each write is one readwrite transaction,
// which IndexedDB runs one at a time on the store.)
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(write: () => Promise<T>): Promise<T> {
  const next = queue.then(write, write);
  queue = next.catch(() => {});
  return next;
}

// --- the stored form ------------------------------------------------------------------------------

// Text columns are stored packed (packed-strings.ts): structured clone reads one long string or a
// dictionary far faster than 200,000 short strings. Maps stored before kinds hold { joined, ends }.
type PackedText = Parameters<typeof unpackStrings>[0];

type StoredMap = Omit<MapFile, 'labels' | 'meta'> & {
  labels?: PackedText;
  meta?: ({ name: string; values: Float64Array } | { name: string; text: PackedText })[];
};

function toStored(m: MapFile): StoredMap {
  const { labels, meta, ...rest } = m;
  const st: StoredMap = rest;
  if (labels) st.labels = packStrings(labels);
  if (meta) st.meta = meta.map((c) => (c.values instanceof Float64Array ? { name: c.name, values: c.values } : { name: c.name, text: packStrings(c.values) }));
  return st;
}

function fromStored(st: StoredMap): MapFile {
  const { labels, meta, ...rest } = st;
  const m: MapFile = rest;
  if (labels) m.labels = unpackStrings(labels);
  if (meta) m.meta = meta.map((c): MetaColumn => ('text' in c ? { name: c.name, values: unpackStrings(c.text) } : c));
  return m;
}

// --- sizes and digests ----------------------------------------------------------------------------

function textBytes(s: string): number {
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return b;
}

function mapBytes(m: MapFile): number {
  let b = m.coords.byteLength + (m.clusters?.byteLength ?? 0) + textBytes(JSON.stringify(m.params)) + textBytes(m.name);
  for (const l of m.labels ?? []) b += textBytes(l);
  for (const c of m.meta ?? []) {
    b += textBytes(c.name);
    if (c.values instanceof Float64Array) b += c.values.byteLength;
    else for (const v of c.values) b += textBytes(v);
  }
  return b;
}

function keysOf(m: MapFile): { coordsKey: string; contentKey: string } {
  const coordsKey = checksumOf({ k: m.nComponents, c: m.coords }).checksum;
  // Labels and metadata are hashed by count only: they change with the points, and hashing every
  // string of a large map on each save would cost more than the write it avoids.
  const contentKey = checksumOf({
    c: m.coords,
    k: m.clusters ?? null,
    mcs: m.minClusterSize ?? null,
    link: m.link ?? null,
    labelName: m.labelName ?? null,
    labels: m.labels?.length ?? 0,
    meta: (m.meta ?? []).map((c) => c.name),
  }).checksum;
  return { coordsKey, contentKey };
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function entryOf(id: string, m: MapFile, o: SaveOrigin, now: number, keys: { coordsKey: string; contentKey: string }): LibraryEntry {
  const e: LibraryEntry = {
    id,
    name: m.name,
    n: m.coords.length / m.nComponents,
    d: o.d && o.d > 0 ? o.d : null,
    nComponents: m.nComponents,
    params: o.params ?? m.params,
    createdAt: now,
    updatedAt: now,
    bytes: mapBytes(m),
    ...keys,
    batchIds: batchIdsOf(m),
  };
  if (o.jobId) e.jobId = o.jobId;
  return e;
}

// --- the library's operations ---------------------------------------------------------------------

let migrated: Promise<void> | null = null;

/** Move the map earlier versions kept ('last') into the library, once; a damaged one is dropped. */
function migrateLegacy(): Promise<void> {
  migrated ??= store()('readwrite', async (s) => {
    const text = (await promisifyRequest(s.get(LEGACY_KEY))) as unknown;
    if (text === undefined) return false;
    s.delete(LEGACY_KEY);
    try {
      const m = parseMapFile(String(text), 'the stored map');
      const id = newId();
      s.put(entryOf(id, m, {}, Date.now(), keysOf(m)), ENTRY + id);
      s.put(toStored(m), MAP + id);
    } catch (err) {
      console.warn(`mapstream: the map kept by an earlier version could not be read and was removed: ${messageOf(err)}`);
    }
    await promisifyRequest(s.transaction);
    return true;
  }).then(
    (moved) => {
      if (moved) changed();
    },
    (err: unknown) => {
      migrated = null;
      throw err;
    },
  );
  return migrated;
}

/** Every map in the library, newest change first. */
export async function listMaps(): Promise<LibraryEntry[]> {
  if (typeof indexedDB === 'undefined') return [];
  await migrateLegacy();
  const all = await store()('readonly', (s) => promisifyRequest(s.getAll(entryRange()) as IDBRequest<LibraryEntry[]>));
  return all.sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

/** One map, as it was saved, under its library name. */
export async function readMap(id: string): Promise<{ entry: LibraryEntry; map: MapFile }> {
  const [entry, map] = await store()('readonly', (s) =>
    Promise.all([promisifyRequest(s.get(ENTRY + id) as IDBRequest<LibraryEntry | undefined>), promisifyRequest(s.get(MAP + id) as IDBRequest<StoredMap | undefined>)]),
  );
  if (!entry) throw new Error('This map is no longer in the library (deleted in another tab?).');
  if (!map || !(map.coords instanceof Float32Array) || map.coords.length !== entry.n * entry.nComponents)
    throw new Error(`The stored map "${entry.name}" is damaged (its points are missing or incomplete); delete it and open the map again.`);
  return { entry, map: { ...fromStored(map), name: entry.name } };
}

// Maps deleted in this tab, by coordinates, with the order of their delete: a save asked for before
// a delete must not bring the deleted map back as a new entry.
let deletes = 0;
const deletedAt = new Map<string, number>();

/**
 * Keep a finished map. It updates the entry the map already is (`origin.libraryId`), else the entry
 * holding the same coordinates (the same job shown again, the same file opened again), else it is
 * added. Returns the entry's id and records it in `origin.libraryId` (so the next save of the same
 * map, even one already queued, updates it); null when the entry was deleted since (a map the user
 * deleted is not brought back by a re-save, nor by its job's, in any tab or after a reload).
 *
 * Every write of a map goes through here, and an entry's batches are append-only: a stored batch the
 * map saved does not hold (added in another tab, or while this copy was read) is kept, merged in the
 * same readwrite transaction that reads it, so writers in several tabs compose (IndexedDB runs
 * readwrite transactions on one store one at a time).
 */
export function saveMap(m: MapFile, origin: SaveOrigin = {}): Promise<string | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  const keys = keysOf(m);
  const asked = deletes;
  savesPending++;
  return serial(() => writeMap(m, origin, keys, asked)).finally(() => savesPending--);
}

let savesPending = 0;

/** How many of this page's saves are queued or running: tests wait for none. */
export const librarySavesPending = () => savesPending;

async function writeMap(m: MapFile, origin: SaveOrigin, keys: ReturnType<typeof keysOf>, asked: number): Promise<string | null> {
  await migrateLegacy();
  let wrote = false;
  const id = await store()('readwrite', async (s) => {
    const all = (await promisifyRequest(s.getAll(entryRange()))) as LibraryEntry[];
    const now = Date.now();
    let found: LibraryEntry | undefined;
    if (origin.libraryId) {
      found = all.find((e) => e.id === origin.libraryId);
      if (!found) return null;
    } else found = all.find((e) => e.coordsKey === keys.coordsKey && e.nComponents === m.nComponents);
    if (!found && (deletedAt.get(keys.coordsKey) ?? -1) >= asked) return null;
    if (!found && origin.jobId && (await promisifyRequest(s.get(GONE + origin.jobId))) === keys.coordsKey) return null;
    let merged = m;
    let mergedKeys = keys;
    if (found && !origin.ifAbsent && (origin.batchesOnly || needsStoredBatches(found.batchIds, m))) {
      const st = (await promisifyRequest(s.get(MAP + found.id))) as StoredMap | undefined;
      if (st) merged = mergeBatches(fromStored(st), m, origin.batchesOnly ? 'stored' : 'incoming');
      if (merged !== m) mergedKeys = keysOf(merged);
    }
    if (found && (found.contentKey === mergedKeys.contentKey || origin.ifAbsent)) {
      // The map is kept already; a job that built its model since (a precomputed map indexed for
      // adding points) is recorded on it, so "Add points" works when it is opened from the library.
      // An entry from before batch ids learns its map's, so later saves need not read the map.
      const job = origin.jobId && !found.jobId ? origin.jobId : null;
      const ids = found.batchIds === undefined && !origin.ifAbsent ? batchIdsOf(merged) : null;
      if (!job && !ids) return found.id;
      const e: LibraryEntry = { ...found };
      if (job) Object.assign(e, { jobId: job, d: found.d ?? (origin.d && origin.d > 0 ? origin.d : null) });
      if (ids) e.batchIds = ids;
      s.put(e, ENTRY + found.id);
      await promisifyRequest(s.transaction);
      wrote = true;
      return found.id;
    }
    const id = found?.id ?? newId();
    const e = entryOf(id, merged, origin, now, mergedKeys);
    if (found) {
      if (!e.jobId && found.jobId) e.jobId = found.jobId;
      e.d ??= found.d;
      // Same entry: its name (perhaps renamed), creation date and parameters stay.
      e.name = found.name;
      e.createdAt = found.createdAt;
      if (!origin.params) e.params = found.params;
    }
    s.put(e, ENTRY + id);
    s.put(toStored(merged), MAP + id);
    await promisifyRequest(s.transaction);
    wrote = true;
    return id;
  });
  if (wrote) changed();
  if (id) origin.libraryId = id;
  return id;
}

export function renameMap(id: string, name: string): Promise<void> {
  const clean = name.trim();
  if (!clean) return Promise.reject(new Error('A map needs a name.'));
  return serial(async () => {
    await store()('readwrite', async (s) => {
      const e = (await promisifyRequest(s.get(ENTRY + id))) as LibraryEntry | undefined;
      if (!e) throw new Error('This map is no longer in the library.');
      s.put({ ...e, name: clean }, ENTRY + id);
      await promisifyRequest(s.transaction);
    });
    changed();
  });
}

/** Remove a map (entry and points together). The job it came from, if any, is not touched. */
export function deleteMap(id: string): Promise<void> {
  return serial(async () => {
    await store()('readwrite', async (s) => {
      const e = (await promisifyRequest(s.get(ENTRY + id))) as LibraryEntry | undefined;
      if (e) deletedAt.set(e.coordsKey, deletes++);
      if (e?.jobId) s.put(e.coordsKey, GONE + e.jobId);
      s.delete(ENTRY + id);
      s.delete(MAP + id);
      await promisifyRequest(s.transaction);
    });
    changed();
  });
}
