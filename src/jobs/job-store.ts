// IndexedDB persistence of jobs, usable from the page and from job Workers (idb-keyval's store
// works in both). One object store holds every record under a prefixed key:
//   job:<id>          the job record (parameters, state, timings)
//   ds:<key>          a dataset's manifest; ds:<key>:<i> its rows in 1000-row chunks, shared by every
//                     job on the same data (the key is a content hash)
//   dsref:<key>:<id>  job <id> uses dataset <key> (written before its rows; removed with the job)
//   cp:<id>:<seq>     one base checkpoint; cp:<id>:<seq>:d:<i> the chained deltas on it and
//                     cp:<id>:<seq>:layout its newest layout state; cpptr:<id> points at the current
//                     base and the one before
//   res:<id>          a completed job's result
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { EngineCheckpoint, EngineDelta } from '../engine/engine';
import type { PhaseName, UmapParams, UmapResult } from '../engine/types';
import type { Categories } from '../io';
import { checksumOf } from './checksum';

export const DATASET_CHUNK_ROWS = 1000;

export type JobState = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type Priority = 'high' | 'normal' | 'low';

export interface ProgressCounters {
  phase: PhaseName;
  done: number;
  total: number;
  unit: 'points' | 'epochs' | 'steps';
  label?: string;
}

export interface JobRecord {
  id: string;
  name: string;
  n: number;
  d: number;
  params: Partial<UmapParams>;
  priority: Priority;
  /** Position within its priority; smaller runs first. */
  order: number;
  state: JobState;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds of work done so far, across runs. */
  elapsedS: number;
  progress: ProgressCounters | null;
  /** Content key of the stored dataset, once the job Worker has written it. */
  datasetKey: string | null;
  categories: Categories | null;
  labelName?: string;
  error: string | null;
  /** The tab that owns the job (see tab-lock.ts). */
  owner?: string;
}

export interface DatasetManifest {
  key: string;
  n: number;
  d: number;
  chunkRows: number;
  chunks: number;
}

export interface CheckpointMeta {
  key: string;
  seq: number;
  checksum: string;
  bytes: number;
  savedAt: number;
  /** Progress at the checkpoint, for the UI and for measuring work lost on a reload. */
  progress: ProgressCounters | null;
}

export interface StoredResult {
  embedding: Float32Array;
  nComponents: number;
  n: number;
  params: UmapParams;
  timings: UmapResult['timings'];
  log: string[];
}

let kv: UseStore | null = null;
function db(): UseStore {
  kv ??= relaxedStore('mapstream-jobs', 'kv');
  return kv;
}

/**
 * idb-keyval's createStore, with relaxed durability: a commit is done once the browser has the data,
 * without waiting for the disk flush. That survives a reload or a crashed tab (the browser process
 * still writes it), only an OS crash could lose the newest writes, and it makes a checkpoint's
 * commit several times cheaper. The previous checkpoint stays as the fallback either way.
 */
function relaxedStore(dbName: string, storeName: string): UseStore {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const dbp = promisifyRequest(request);
  return (txMode, callback) => dbp.then((database) => callback(database.transaction(storeName, txMode, { durability: 'relaxed' }).objectStore(storeName)));
}

const jobKey = (id: string) => `job:${id}`;
const pointerKey = (id: string) => `cpptr:${id}`;

// --- job records ---------------------------------------------------------------------------------

export function putJob(rec: JobRecord): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(rec, jobKey(rec.id));
    return promisifyRequest(s.transaction);
  });
}

export function getJob(id: string): Promise<JobRecord | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(jobKey(id)) as IDBRequest<JobRecord | undefined>));
}

export function listJobs(): Promise<JobRecord[]> {
  const range = IDBKeyRange.bound('job:', 'job:\uffff');
  return db()('readonly', (s) => promisifyRequest(s.getAll(range) as IDBRequest<JobRecord[]>));
}

/**
 * Remove a job: its record, result, checkpoints and dataset references go in one transaction (so a
 * reload never finds half a job); then each dataset it referenced, unless another job uses it.
 */
export async function deleteJob(id: string): Promise<void> {
  const keys = await db()('readwrite', async (s) => {
    const rec = (await promisifyRequest(s.get(jobKey(id)))) as JobRecord | undefined;
    const refs = ((await promisifyRequest(s.getAllKeys(IDBKeyRange.bound('dsref:', 'dsref:\uffff')))) as IDBValidKey[]).map(String).filter((k) => k.endsWith(`:${id}`));
    s.delete(jobKey(id));
    s.delete(`res:${id}`);
    s.delete(pointerKey(id));
    s.delete(IDBKeyRange.bound(`cp:${id}:`, `cp:${id}:\uffff`));
    for (const r of refs) s.delete(r);
    await promisifyRequest(s.transaction);
    return new Set([rec?.datasetKey, ...refs.map((r) => r.slice('dsref:'.length, r.lastIndexOf(':')))].filter((k): k is string => !!k));
  });
  for (const key of keys) await deleteDatasetIfUnused(key);
}

// --- datasets ------------------------------------------------------------------------------------

export function getDatasetManifest(key: string): Promise<DatasetManifest | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(`ds:${key}`) as IDBRequest<DatasetManifest | undefined>));
}

/**
 * Dataset writes and deletes under one Web Lock per content key, across tabs and Workers: a delete
 * that checks "no job uses it" must not interleave with a job that is storing or adopting the rows.
 */
function withDatasetLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? locks.request(`mapstream-ds:${key}`, fn) : fn();
}

/**
 * Store the rows once under their content key, for job `jobId`. The job's reference (dsref:<key>:<id>)
 * is written first, so the rows count as used from then on; chunks go next and the manifest last, so
 * a manifest is only ever present over a complete set of chunks. A failed write removes its chunks.
 */
export async function putDataset(key: string, data: Float32Array, n: number, d: number, jobId?: string): Promise<void> {
  await withDatasetLock(key, async () => {
    if (jobId) {
      await db()('readwrite', (s) => {
        s.put(1, `dsref:${key}:${jobId}`);
        return promisifyRequest(s.transaction);
      });
    }
    if (await getDatasetManifest(key)) return;
    const chunks = Math.ceil(n / DATASET_CHUNK_ROWS);
    // About 8 MB per transaction: the page stores queued jobs' data too, and each put clones its chunk
    // on the calling thread, so a transaction must stay a short task.
    const PER_TX = Math.max(1, Math.floor((8 << 20) / (DATASET_CHUNK_ROWS * d * 4)));
    try {
      for (let c0 = 0; c0 < chunks; c0 += PER_TX) {
        await db()('readwrite', (s) => {
          for (let c = c0; c < Math.min(chunks, c0 + PER_TX); c++) {
            const r0 = c * DATASET_CHUNK_ROWS;
            const r1 = Math.min(n, r0 + DATASET_CHUNK_ROWS);
            s.put(data.slice(r0 * d, r1 * d), `ds:${key}:${c}`);
          }
          return promisifyRequest(s.transaction);
        });
      }
      const manifest: DatasetManifest = { key, n, d, chunkRows: DATASET_CHUNK_ROWS, chunks };
      await db()('readwrite', (s) => {
        s.put(manifest, `ds:${key}`);
        return promisifyRequest(s.transaction);
      });
    } catch (e) {
      await deleteDatasetRows(key).catch(() => {});
      throw e;
    }
  });
}

/** Read a stored dataset into `into` (n × d), checking every chunk's size. */
export async function readDataset(key: string, into?: Float32Array): Promise<{ data: Float32Array; n: number; d: number }> {
  const m = await getDatasetManifest(key);
  if (!m) throw new Error(`The stored data of this job (${key}) is missing; load the file again and start a new job.`);
  const out = into ?? new Float32Array(m.n * m.d);
  for (let c = 0; c < m.chunks; c++) {
    const part = await db()('readonly', (s) => promisifyRequest(s.get(`ds:${key}:${c}`) as IDBRequest<Float32Array | undefined>));
    const rows = Math.min(m.chunkRows, m.n - c * m.chunkRows);
    if (!(part instanceof Float32Array) || part.length !== rows * m.d) throw new Error(`The stored data of this job is damaged (chunk ${c + 1} of ${m.chunks}); load the file again.`);
    out.set(part, c * m.chunkRows * m.d);
  }
  return { data: out, n: m.n, d: m.d };
}

/** Remove a stored dataset unless a job still refers to it (by reference key or by its record). */
export function deleteDatasetIfUnused(key: string): Promise<void> {
  return withDatasetLock(key, async () => {
    const refs = await db()('readonly', (s) => promisifyRequest(s.count(IDBKeyRange.bound(`dsref:${key}:`, `dsref:${key}:\uffff`))));
    if (refs > 0) return;
    if ((await listJobs()).some((j) => j.datasetKey === key)) return;
    await deleteDatasetRows(key);
  });
}

function deleteDatasetRows(key: string): Promise<void> {
  return db()('readwrite', (s) => {
    // Manifest first: a half-deleted dataset must never look complete.
    s.delete(`ds:${key}`);
    s.delete(IDBKeyRange.bound(`ds:${key}:`, `ds:${key}:\uffff`));
    return promisifyRequest(s.transaction);
  });
}

// --- checkpoints ---------------------------------------------------------------------------------
//
// A checkpoint is a base (a full EngineCheckpoint, cp:<id>:<seq>) plus the deltas of the steps taken
// since (cp:<id>:<seq>:d:<i>) and the newest layout state (cp:<id>:<seq>:layout), so a kNN chunk
// stores only its own work. cpptr:<id> names the current base with its delta count, and the base
// before it (with its deltas) as the fallback.

interface BaseRef {
  meta: CheckpointMeta;
  /** Chained deltas written on this base: records 0 … deltas − 1. */
  deltas: number;
  /** Whether the layout slot (cp:<id>:<seq>:layout, the newest layout state) is written. */
  layout?: boolean;
  /** Progress at the newest delta (the base's own when there is none). */
  progress: ProgressCounters | null;
}

interface CheckpointPointer {
  current: BaseRef;
  previous: BaseRef | null;
}

/** One stored delta with its own checksum, so a damaged one is found and the ones before it still count. */
interface DeltaEnvelope {
  /** Place in the chain; −1 for the layout slot. */
  index: number;
  checksum: string;
  bytes: number;
  progress: ProgressCounters | null;
  delta: EngineDelta;
}

/**
 * The stored pointer, read tolerantly: versions before deltas stored the base metas themselves
 * ({ current: CheckpointMeta }), which read as bases without deltas.
 */
function pointerOf(raw: unknown): CheckpointPointer | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const ref = (x: unknown): BaseRef | null => {
    if (!x || typeof x !== 'object') return null;
    if ('meta' in x) return x as BaseRef;
    const meta = x as CheckpointMeta;
    return { meta, deltas: 0, progress: meta.progress ?? null };
  };
  const current = ref((raw as { current?: unknown }).current);
  return current ? { current, previous: ref((raw as { previous?: unknown }).previous) } : undefined;
}

const deltaPrefix = (baseKey: string) => `${baseKey}:d:`;
const deltaKey = (baseKey: string, i: number) => `${deltaPrefix(baseKey)}${String(i).padStart(8, '0')}`;
const deltaRange = (baseKey: string) => IDBKeyRange.bound(deltaPrefix(baseKey), `${deltaPrefix(baseKey)}\uffff`);
const layoutKey = (baseKey: string) => `${baseKey}:layout`;
/** Everything stored on a base: its chained deltas and its layout slot. */
const onBaseRange = (baseKey: string) => IDBKeyRange.bound(`${baseKey}:`, `${baseKey}:\uffff`);

/** The result of starting a write: see putCheckpoint. */
export interface PendingWrite {
  /** Bytes of typed-array data in the value written. */
  bytes: number;
  queued: Promise<void>;
  saved: Promise<CheckpointMeta>;
}

/**
 * One readwrite transaction whose `put` clones its value synchronously. `queued` resolves once
 * IndexedDB has taken its copy (until then the caller must not change the value); `saved` when the
 * transaction has committed.
 */
function pendingWrite(bytes: number, body: (s: IDBObjectStore, cloned: () => void) => Promise<CheckpointMeta>): PendingWrite {
  let queuedResolve!: () => void;
  const queued = new Promise<void>((r) => (queuedResolve = r));
  const saved = db()('readwrite', async (s) => {
    const meta = await body(s, queuedResolve);
    await promisifyRequest(s.transaction);
    return meta;
  });
  saved.catch(() => queuedResolve());
  return { bytes, queued, saved };
}

/**
 * Write a base checkpoint under a fresh key and flip the pointer to it, in one transaction that also
 * drops the base two generations back with its deltas. IndexedDB commits a transaction whole or not at
 * all, so a failed or interrupted write leaves the pointer on checkpoints that were complete;
 * loadCheckpoint still verifies checksums and falls back.
 */
export function putCheckpoint(id: string, seq: number, cp: EngineCheckpoint, progress: ProgressCounters | null): PendingWrite {
  const { checksum, bytes } = checksumOf(cp);
  const meta: CheckpointMeta = { key: `cp:${id}:${String(seq).padStart(8, '0')}`, seq, checksum, bytes, savedAt: Date.now(), progress };
  return pendingWrite(bytes, async (s, cloned) => {
    try {
      s.put(cp, meta.key); // the structured clone happens here, synchronously
    } finally {
      cloned();
    }
    // A reused key (a clock that stepped back) must not inherit deltas of an older base.
    s.delete(onBaseRange(meta.key));
    const old = pointerOf(await promisifyRequest(s.get(pointerKey(id))));
    s.put({ current: { meta, deltas: 0, progress }, previous: old?.current ?? null } satisfies CheckpointPointer, pointerKey(id));
    if (old?.previous && old.previous.meta.key !== meta.key) {
      s.delete(old.previous.meta.key);
      s.delete(onBaseRange(old.previous.meta.key));
    }
    return meta;
  });
}

/**
 * Append one step's delta, number `index` in the chain on the current base `base` (the meta
 * putCheckpoint returned). A pointer that moved on (another base, another count) aborts the whole
 * transaction.
 */
export function putCheckpointDelta(id: string, base: CheckpointMeta, index: number, delta: EngineDelta, progress: ProgressCounters | null): PendingWrite {
  const { checksum, bytes } = checksumOf(delta);
  return pendingWrite(bytes, async (s, cloned) => {
    try {
      s.put({ index, checksum, bytes, progress, delta } satisfies DeltaEnvelope, deltaKey(base.key, index));
    } finally {
      cloned();
    }
    const ptr = pointerOf(await promisifyRequest(s.get(pointerKey(id))));
    if (ptr?.current.meta.key !== base.key || ptr.current.deltas !== index) {
      s.transaction.abort();
      throw new Error('the checkpoint this step follows is no longer the current one');
    }
    ptr.current = { ...ptr.current, deltas: index + 1, progress };
    s.put(ptr, pointerKey(id));
    return { ...base, savedAt: Date.now(), progress };
  });
}

/**
 * Write the newest layout state (a layout delta: the whole embedding) into the base's layout slot,
 * replacing the one before it; it applies after the whole chain of deltas.
 */
export function putLayoutState(id: string, base: CheckpointMeta, delta: EngineDelta, progress: ProgressCounters | null): PendingWrite {
  const { checksum, bytes } = checksumOf(delta);
  return pendingWrite(bytes, async (s, cloned) => {
    try {
      s.put({ index: -1, checksum, bytes, progress, delta } satisfies DeltaEnvelope, layoutKey(base.key));
    } finally {
      cloned();
    }
    const ptr = pointerOf(await promisifyRequest(s.get(pointerKey(id))));
    if (ptr?.current.meta.key !== base.key) {
      s.transaction.abort();
      throw new Error('the checkpoint this step follows is no longer the current one');
    }
    ptr.current = { ...ptr.current, layout: true, progress };
    s.put(ptr, pointerKey(id));
    return { ...base, savedAt: Date.now(), progress };
  });
}

export interface LoadedCheckpoint {
  checkpoint: EngineCheckpoint;
  /** Steps to replay on the checkpoint, in order (UmapEngine's `deltas` option). */
  deltas: EngineDelta[];
  /** The base, with the progress of the last delta that verified. */
  meta: CheckpointMeta;
  /** True when the newest state failed verification and an older one was used. */
  fellBack: boolean;
}

/**
 * The newest state that verifies, or null when there is none: the current base with its deltas up to
 * the first that is missing or damaged, else the previous base with its deltas.
 */
export async function loadCheckpoint(id: string): Promise<LoadedCheckpoint | null> {
  const ptr = pointerOf(await db()('readonly', (s) => promisifyRequest(s.get(pointerKey(id)))));
  if (!ptr) return null;
  for (const [ref, older] of [
    [ptr.current, false],
    [ptr.previous, true],
  ] as const) {
    if (!ref) continue;
    const { meta } = ref;
    const [cp, stored, layout] = await db()('readonly', (s) =>
      Promise.all([
        promisifyRequest(s.get(meta.key) as IDBRequest<EngineCheckpoint | undefined>),
        promisifyRequest(s.getAll(deltaRange(meta.key)) as IDBRequest<DeltaEnvelope[]>),
        promisifyRequest(s.get(layoutKey(meta.key)) as IDBRequest<DeltaEnvelope | undefined>),
      ]),
    );
    if (!cp) continue;
    const sum = checksumOf(cp);
    if (sum.checksum !== meta.checksum || sum.bytes !== meta.bytes) continue;
    // The newest base is unreadable: make this one current, so the next base written keeps it as
    // the fallback instead of the damaged one.
    if (older) await dropDamagedBase(id, ptr).catch(() => {});
    const chain = verifiedPrefix(stored);
    const chainComplete = chain.length === ref.deltas;
    // The layout state needs the whole chain before it (the graph it was laid out on).
    const layoutOk = chainComplete && !!layout && verifies(layout);
    const used = layoutOk ? [...chain, layout] : chain;
    const last = used[used.length - 1];
    return {
      checkpoint: cp,
      deltas: used.map((e) => e.delta),
      meta: { ...meta, progress: last ? last.progress : meta.progress },
      fellBack: older || !chainComplete || (ref.layout === true && !layoutOk),
    };
  }
  return null;
}

async function dropDamagedBase(id: string, seen: CheckpointPointer): Promise<void> {
  await db()('readwrite', async (s) => {
    const now = pointerOf(await promisifyRequest(s.get(pointerKey(id))));
    // Only if no writer moved the pointer since it was read.
    if (!now || !seen.previous || now.current.meta.key !== seen.current.meta.key) return;
    s.put({ current: seen.previous, previous: null } satisfies CheckpointPointer, pointerKey(id));
    s.delete(seen.current.meta.key);
    s.delete(onBaseRange(seen.current.meta.key));
    await promisifyRequest(s.transaction);
  });
}

function verifies(e: DeltaEnvelope): boolean {
  const sum = checksumOf(e.delta);
  return sum.checksum === e.checksum && sum.bytes === e.bytes;
}

/** Chained deltas in index order from 0, up to the first gap or checksum failure. */
function verifiedPrefix(stored: DeltaEnvelope[]): DeltaEnvelope[] {
  const sorted = [...stored].sort((a, b) => a.index - b.index);
  const out: DeltaEnvelope[] = [];
  for (const e of sorted) {
    if (e.index !== out.length || !verifies(e)) break;
    out.push(e);
  }
  return out;
}

/** The newest stored progress of a job's checkpoints. */
export async function checkpointMeta(id: string): Promise<CheckpointMeta | null> {
  const ptr = pointerOf(await db()('readonly', (s) => promisifyRequest(s.get(pointerKey(id)))));
  return ptr ? { ...ptr.current.meta, progress: ptr.current.progress } : null;
}

export function deleteCheckpoints(id: string): Promise<void> {
  return db()('readwrite', (s) => {
    s.delete(pointerKey(id));
    s.delete(IDBKeyRange.bound(`cp:${id}:`, `cp:${id}:\uffff`));
    return promisifyRequest(s.transaction);
  });
}

// --- results -------------------------------------------------------------------------------------

export function putResult(id: string, r: StoredResult): Promise<void> {
  return db()('readwrite', (s) => {
    s.put(r, `res:${id}`);
    return promisifyRequest(s.transaction);
  });
}

export function getResult(id: string): Promise<StoredResult | undefined> {
  return db()('readonly', (s) => promisifyRequest(s.get(`res:${id}`) as IDBRequest<StoredResult | undefined>));
}

/** A storage failure in words a user can act on. */
export function describeStorageError(e: unknown): string {
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'QuotaExceededError') return 'Browser storage is full (QuotaExceededError)';
  return `Browser storage refused a write (${name || 'error'}: ${(e as Error)?.message ?? String(e)})`;
}

/** Open the database ahead of the first checkpoint, so later writes clone their value at once. */
export async function openJobStore(): Promise<void> {
  await db()('readonly', (s) => promisifyRequest(s.count()));
}
