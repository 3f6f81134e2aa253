// A dataset's string columns cross from the ingest Worker to the page packed: a structured clone of
// 45,000 file names and 45,000 class labels deserialises as 90,000 string allocations in one
// main-thread task (20–35 ms on a quiet 2-core machine, 66 ms of CPU under load), where a dictionary
// of codes or one joined string with its ends arrives as a few transferred buffers.
import type { Dataset, MetaColumn } from '../io';

export type PackedStrings =
  /** Few distinct values (classes, tags): each row's index into dict. */
  | { kind: 'dict'; dict: string[]; codes: Uint32Array }
  /** Mostly distinct values (file names, captions): row i is joined.slice(ends[i − 1], ends[i]). */
  | { kind: 'joined'; joined: string; ends: Uint32Array }
  /** Too long to join into one string (V8 strings stop at 2²⁹ − 24 code units): the array as it is. */
  | { kind: 'plain'; values: string[] };

/** Joined columns stay well under V8's longest string. */
const MAX_JOINED = 2 ** 28;

/** A dictionary pays off while it stays this much smaller than the column. */
const DICT_SHARE = 0.25;

export function packStrings(values: readonly string[]): PackedStrings {
  const limit = Math.max(16, Math.floor(values.length * DICT_SHARE));
  const index = new Map<string, number>();
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let c = index.get(v);
    if (c === undefined) {
      if (index.size >= limit) return joined(values);
      c = index.size;
      index.set(v, c);
    }
    codes[i] = c;
  }
  return { kind: 'dict', dict: [...index.keys()], codes };
}

function joined(values: readonly string[]): PackedStrings {
  const ends = new Uint32Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    at += values[i]!.length;
    ends[i] = at;
  }
  if (at > MAX_JOINED) return { kind: 'plain', values: [...values] };
  return { kind: 'joined', joined: values.join(''), ends };
}

/** A joined column as the map library stored it before kinds (read as 'joined'). */
type LegacyJoined = { kind?: undefined; joined: string; ends: Uint32Array };

export function unpackStrings(packed: PackedStrings | LegacyJoined): string[] {
  const p: PackedStrings = packed.kind === undefined ? { ...packed, kind: 'joined' } : packed;
  if (p.kind === 'plain') return p.values;
  const out = new Array<string>(p.kind === 'dict' ? p.codes.length : p.ends.length);
  if (p.kind === 'dict') {
    for (let i = 0; i < out.length; i++) out[i] = p.dict[p.codes[i]!]!;
  } else {
    let from = 0;
    for (let i = 0; i < out.length; i++) {
      const to = p.ends[i]!;
      out[i] = p.joined.slice(from, to);
      from = to;
    }
  }
  return out;
}

function buffersOf(p: PackedStrings): ArrayBuffer[] {
  if (p.kind === 'plain') return [];
  return [(p.kind === 'dict' ? p.codes : p.ends).buffer as ArrayBuffer];
}

/** A Dataset with its string columns packed, as the ingest Worker sends it. */
export type WireDataset = Omit<Dataset, 'labels' | 'metadata'> & {
  labels?: PackedStrings;
  metadata?: { name: string; values: PackedStrings | Float64Array }[];
};

/** The dataset packed for the wire, and the buffers to transfer with it. */
export function packDataset(ds: Dataset): { wire: WireDataset; transfers: ArrayBuffer[] } {
  const transfers: ArrayBuffer[] = [];
  // The labels are also a metadata column, as one array: packed once, so the clone keeps them one
  // object and the page unpacks them once.
  const packed = new Map<string[], PackedStrings>();
  const pack = (v: string[]) => {
    let p = packed.get(v);
    if (!p) {
      p = packStrings(v);
      packed.set(v, p);
      transfers.push(...buffersOf(p));
    }
    return p;
  };
  const { labels, metadata, ...rest } = ds;
  const wire: WireDataset = { ...rest };
  if (labels) wire.labels = pack(labels);
  if (metadata) wire.metadata = metadata.map((c) => ({ name: c.name, values: Array.isArray(c.values) ? pack(c.values) : c.values }));
  return { wire, transfers };
}

export function unpackDataset(wire: WireDataset): Dataset {
  const { labels, metadata, ...rest } = wire;
  const ds: Dataset = { ...rest };
  const unpacked = new Map<PackedStrings, string[]>();
  const unpack = (p: PackedStrings) => {
    let v = unpacked.get(p);
    if (!v) {
      v = unpackStrings(p);
      unpacked.set(p, v);
    }
    return v;
  };
  if (labels) ds.labels = unpack(labels);
  if (metadata) ds.metadata = metadata.map((c): MetaColumn => ({ name: c.name, values: c.values instanceof Float64Array ? c.values : unpack(c.values) }));
  return ds;
}
