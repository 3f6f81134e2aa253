// Checkpoints in the jobs store (jobs-db.ts), written by the job Worker's CheckpointWriter and read
// when a job resumes.
import { promisifyRequest } from 'idb-keyval';
import type { EngineCheckpoint, EngineDelta } from '../engine/engine';
import type { TransformCheckpoint } from '../engine/transform';
import type { ProgressEvent } from '../engine/types';
import { checksumOf } from './checksum';
import { db } from './jobs-db';
import { partsUnder, putWithParts, readWithParts } from './value-parts';

const pointerKey = (id: string) => `cpptr:${id}`;

export interface CheckpointMeta {
  key: string;
  seq: number;
  checksum: string;
  bytes: number;
  savedAt: number;
  /** Progress at the checkpoint, for the UI and for measuring work lost on a reload. */
  progress: ProgressEvent | null;
}

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
  progress: ProgressEvent | null;
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
  progress: ProgressEvent | null;
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
export function putCheckpoint(id: string, seq: number, cp: EngineCheckpoint | TransformCheckpoint, progress: ProgressEvent | null): PendingWrite {
  const { checksum, bytes } = checksumOf(cp);
  const meta: CheckpointMeta = { key: `cp:${id}:${String(seq).padStart(8, '0')}`, seq, checksum, bytes, savedAt: Date.now(), progress };
  return pendingWrite(bytes, async (s, cloned) => {
    // A reused key (a clock that stepped back) must not inherit deltas of an older base.
    s.delete(onBaseRange(meta.key));
    s.delete(partsUnder(meta.key));
    try {
      putWithParts(s, meta.key, cp); // the structured clones happen here, synchronously
    } finally {
      cloned();
    }
    const old = pointerOf(await promisifyRequest(s.get(pointerKey(id))));
    s.put({ current: { meta, deltas: 0, progress }, previous: old?.current ?? null } satisfies CheckpointPointer, pointerKey(id));
    if (old?.previous && old.previous.meta.key !== meta.key) {
      s.delete(old.previous.meta.key);
      s.delete(onBaseRange(old.previous.meta.key));
      s.delete(partsUnder(old.previous.meta.key));
    }
    return meta;
  });
}

/**
 * Append one step's delta, number `index` in the chain on the current base `base` (the meta
 * putCheckpoint returned). A pointer that moved on (another base, another count) aborts the whole
 * transaction.
 */
export function putCheckpointDelta(id: string, base: CheckpointMeta, index: number, delta: EngineDelta, progress: ProgressEvent | null): PendingWrite {
  const { checksum, bytes } = checksumOf(delta);
  return pendingWrite(bytes, async (s, cloned) => {
    try {
      putWithParts(s, deltaKey(base.key, index), { index, checksum, bytes, progress, delta } satisfies DeltaEnvelope);
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
export function putLayoutState(id: string, base: CheckpointMeta, delta: EngineDelta, progress: ProgressEvent | null): PendingWrite {
  const { checksum, bytes } = checksumOf(delta);
  return pendingWrite(bytes, async (s, cloned) => {
    try {
      putWithParts(s, layoutKey(base.key), { index: -1, checksum, bytes, progress, delta } satisfies DeltaEnvelope);
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

export interface LoadedCheckpoint<C = EngineCheckpoint> {
  checkpoint: C;
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
export function loadCheckpoint(id: string): Promise<LoadedCheckpoint | null> {
  return loadStored<EngineCheckpoint>(id, (cp) => (cp as { kind?: string }).kind !== 'transform');
}

/**
 * A transform job's newest stored TransformCheckpoint that verifies (each is a whole base: a
 * transform's state is small next to a fit's, so it has no deltas), or null.
 */
export async function loadTransformCheckpoint(id: string): Promise<LoadedCheckpoint<TransformCheckpoint> | null> {
  return loadStored<TransformCheckpoint>(id, (cp) => (cp as { kind?: string }).kind === 'transform');
}

async function loadStored<C extends object>(id: string, isKind: (cp: object) => boolean): Promise<LoadedCheckpoint<C> | null> {
  const ptr = pointerOf(await db()('readonly', (s) => promisifyRequest(s.get(pointerKey(id)))));
  if (!ptr) return null;
  for (const [ref, older] of [
    [ptr.current, false],
    [ptr.previous, true],
  ] as const) {
    if (!ref) continue;
    const { meta } = ref;
    const [cp, stored, layout] = await db()('readonly', async (s) => {
      const [c, st, lay] = await Promise.all([
        promisifyRequest(s.get(meta.key) as IDBRequest<C | undefined>),
        promisifyRequest(s.getAll(deltaRange(meta.key)) as IDBRequest<DeltaEnvelope[]>),
        promisifyRequest(s.get(layoutKey(meta.key)) as IDBRequest<DeltaEnvelope | undefined>),
      ]);
      // Large arrays are stored in parts beside their values (value-parts.ts); a delta missing one is dropped.
      const deltas = await Promise.all(st.map((e) => readWithParts(s, deltaKey(meta.key, e.index), e)));
      return Promise.all([readWithParts(s, meta.key, c), deltas.filter((e): e is DeltaEnvelope => e !== undefined), readWithParts(s, layoutKey(meta.key), lay)]);
    });
    if (!cp || !isKind(cp)) continue;
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
    s.delete(partsUnder(seen.current.meta.key));
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

/** Delete a job's checkpoints (pointer, bases, deltas) within the caller's transaction. */
export function clearCheckpoints(s: IDBObjectStore, id: string): void {
  s.delete(pointerKey(id));
  s.delete(IDBKeyRange.bound(`cp:${id}:`, `cp:${id}:\uffff`));
  s.delete(partsUnder(`cp:${id}:`));
}

export function deleteCheckpoints(id: string): Promise<void> {
  return db()('readwrite', (s) => {
    clearCheckpoints(s, id);
    return promisifyRequest(s.transaction);
  });
}
