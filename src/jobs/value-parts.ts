// Chromium's IndexedDB refuses any one value over 133,169,152 bytes ("The serialized keys and/or value
// are too large", measured here with Chromium 156), and it does so by aborting the whole transaction
// inside put() without throwing: the next request on it fails with TransactionInactiveError. A
// million-point job's kNN checkpoint is past that, so the large typed arrays of a value are stored
// beside it, in parts, under part:<key>|<i>, and read back into one array.

/** Each part stays far below the limit. */
const PART_BYTES = 32 << 20;
/** Typed arrays from this size leave the value; smaller ones travel inside it. */
const SPLIT_FROM = 1 << 20;

const MARK = '__mapstreamParts';

interface PartRef {
  [MARK]: number; // index of its first part
  parts: number;
  type: string;
  length: number;
}

const ARRAYS: Record<string, new (n: number) => ArrayLike<number> & { set(a: ArrayLike<number>, at: number): void }> = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
};

const partPrefix = (key: string) => `part:${key}|`;
const partKey = (key: string, i: number) => `${partPrefix(key)}${String(i).padStart(6, '0')}`;

/** The parts of the value under `key`. */
export const partRange = (key: string) => IDBKeyRange.bound(partPrefix(key), `${partPrefix(key)}\uffff`);

/** The parts of every value whose key starts with `prefix` (a base checkpoint and the deltas on it, a job's keys). */
export const partsUnder = (prefix: string) => IDBKeyRange.bound(`part:${prefix}`, `part:${prefix}\uffff`);

let splitFrom = SPLIT_FROM;
let partBytes = PART_BYTES;

/** Tests: split from `from` bytes into parts of `part` bytes (small jobs then exercise the parts); none: the defaults. */
export function setPartSizes(sizes?: { from: number; part: number }): void {
  splitFrom = sizes?.from ?? SPLIT_FROM;
  partBytes = sizes?.part ?? PART_BYTES;
}

/**
 * Put `value` under `key` within the caller's transaction, its large typed arrays as parts beside it
 * (any parts an earlier value under that key left are deleted first). Synchronous, like put: the
 * caller may change the value once this returns.
 */
export function putWithParts(s: IDBObjectStore, key: string, value: unknown): void {
  s.delete(partRange(key));
  let next = 0;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView) && v.byteLength >= splitFrom) {
      const a = v as unknown as { length: number; BYTES_PER_ELEMENT: number; slice(from: number, to: number): unknown; constructor: { name: string } };
      const per = Math.max(1, Math.floor(partBytes / a.BYTES_PER_ELEMENT));
      const first = next;
      // slice, not subarray: a view would clone its whole buffer.
      for (let from = 0; from < a.length; from += per) s.put(a.slice(from, from + per), partKey(key, next++));
      return { [MARK]: first, parts: next - first, type: a.constructor.name, length: a.length } satisfies PartRef;
    }
    // IndexedDB cannot clone shared memory (NN-descent's candidates, which the pool's Workers read): a
    // plain copy is stored in its place.
    if (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer) return (v as unknown as Int32Array).slice();
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  s.put(walk(value), key);
}

function hasParts(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false;
  if (MARK in (v as object)) return true;
  return Object.values(v as object).some(hasParts);
}

/**
 * `stored` (what get returned for `key`) with its parts read back into whole arrays, in the caller's
 * transaction; undefined when a part is missing (the value is then as good as absent).
 */
export async function readWithParts<T>(s: IDBObjectStore, key: string, stored: T | undefined): Promise<T | undefined> {
  if (stored === undefined || !hasParts(stored)) return stored;
  const parts = await new Promise<unknown[]>((ok, fail) => {
    const r = s.getAll(partRange(key));
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  let missing = false;
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
    if (MARK in (v as object)) {
      const ref = v as PartRef;
      const Ctor = ARRAYS[ref.type];
      if (!Ctor) {
        missing = true;
        return v;
      }
      const out = new Ctor(ref.length);
      let at = 0;
      for (let i = ref[MARK]; i < ref[MARK] + ref.parts; i++) {
        const p = parts[i] as ArrayLike<number> | undefined;
        if (!p) {
          missing = true;
          break;
        }
        out.set(p, at);
        at += p.length;
      }
      if (at !== ref.length) missing = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) out[k] = walk(x);
    return out;
  };
  const whole = walk(stored) as T;
  return missing ? undefined : whole;
}
