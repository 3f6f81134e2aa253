import type { ParamsFormState } from './params-text';

/**
 * Where a shareable map's data comes from. Only sources anyone can rebuild are linkable: a built-in
 * demo, a deterministic generator, or a public http(s) URL. A local file never is.
 */
export type LinkSource =
  | { kind: 'digits' }
  | { kind: 'blobs'; n: number; d: number; clusters: number }
  | { kind: 'swissroll'; n: number; d: number }
  | { kind: 'sphere'; n: number; d: number }
  | { kind: 'url'; url: string };

/** The map's camera in regl-scatterplot's terms (over the map scaled to [-1, 1]): what a link carries as "view". */
export interface MapView {
  target: [number, number];
  distance: number;
}

export interface MapLink {
  source: LinkSource;
  /** The parameter form as typed (a subset; missing fields keep their defaults). */
  params: Partial<ParamsFormState>;
  view?: MapView;
  /** 'label', 'cluster' or 'meta:<column>'. */
  color?: string;
  minClusterSize?: number;
}

export const MAX_SYNTHETIC_N = 1_000_000;
const MAX_SYNTHETIC_D = 1024;
// Keys the link uses for the parameter form; short, since links get pasted into chats.
const PARAM_KEYS: [keyof ParamsFormState, string][] = [
  ['nNeighbors', 'nn'],
  ['minDist', 'md'],
  ['spread', 'spread'],
  ['nEpochs', 'epochs'],
  ['metric', 'metric'],
  ['seed', 'seed'],
  ['nComponents', 'dims'],
];
/** Keys of the page's URL that are not part of a map link and survive rewriting it. */
const FOREIGN_KEYS = ['coi'];

export class LinkError extends Error {
  override name = 'LinkError';
}

function int(q: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = q.get(key);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new LinkError(`Link parameter ${key} must be a whole number from ${min} to ${max} (got '${raw}').`);
  return v;
}

/** Parse a page URL's query; null when it names no map. Throws LinkError naming the bad part. */
export function parseLink(search: string): MapLink | null {
  const q = new URLSearchParams(search);
  const src = q.get('src');
  if (src === null) return null;
  let source: LinkSource;
  switch (src) {
    case 'digits':
      source = { kind: 'digits' };
      break;
    case 'blobs':
      source = { kind: 'blobs', n: int(q, 'n', 10_000, 20, MAX_SYNTHETIC_N), d: int(q, 'd', 32, 2, MAX_SYNTHETIC_D), clusters: int(q, 'k', 10, 1, 1000) };
      break;
    case 'swissroll':
    case 'sphere':
      source = { kind: src, n: int(q, 'n', 10_000, 20, MAX_SYNTHETIC_N), d: int(q, 'd', 3, 3, MAX_SYNTHETIC_D) };
      break;
    case 'url': {
      const url = q.get('url') ?? '';
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new LinkError(`The link's dataset URL '${url}' is not a valid URL.`);
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new LinkError(`The link's dataset URL must be http(s) (got ${parsed.protocol}).`);
      source = { kind: 'url', url: parsed.href };
      break;
    }
    default:
      throw new LinkError(`Unknown map source '${src}' in the link (known: digits, blobs, swissroll, sphere, url).`);
  }
  const params: Partial<ParamsFormState> = {};
  for (const [field, key] of PARAM_KEYS) {
    const v = q.get(key);
    if (v === null) continue;
    if (field === 'metric') {
      if (v !== 'euclidean' && v !== 'cosine') throw new LinkError(`Link parameter metric must be euclidean or cosine (got '${v}').`);
      params.metric = v;
    } else if (field === 'nComponents') {
      if (v !== '2' && v !== '3') throw new LinkError(`Link parameter dims must be 2 or 3 (got '${v}').`);
      params.nComponents = v;
    } else params[field] = v;
  }
  const link: MapLink = { source, params };
  const view = q.get('view');
  if (view !== null) {
    const parts = view.split(',').map(Number);
    if (parts.length !== 3 || !parts.every(Number.isFinite) || parts[2]! <= 0) throw new LinkError(`Link parameter view must be x,y,distance (got '${view}').`);
    link.view = { target: [parts[0]!, parts[1]!], distance: parts[2]! };
  }
  const color = q.get('color');
  if (color !== null) link.color = color;
  if (q.has('mcs')) link.minClusterSize = int(q, 'mcs', 2, 2, 100_000);
  return link;
}

/** The query string for a link (with '?'), keeping unrelated keys of `keep` such as coi=0. */
export function linkQuery(link: MapLink, keep = ''): string {
  const q = new URLSearchParams();
  const s = link.source;
  q.set('src', s.kind);
  if (s.kind === 'blobs') {
    q.set('n', String(s.n));
    q.set('d', String(s.d));
    q.set('k', String(s.clusters));
  } else if (s.kind === 'swissroll' || s.kind === 'sphere') {
    q.set('n', String(s.n));
    q.set('d', String(s.d));
  } else if (s.kind === 'url') q.set('url', s.url);
  for (const [field, key] of PARAM_KEYS) {
    const v = link.params[field];
    if (v !== undefined && v.trim() !== '') q.set(key, v.trim());
  }
  if (link.minClusterSize !== undefined) q.set('mcs', String(link.minClusterSize));
  if (link.color !== undefined) q.set('color', link.color);
  if (link.view) q.set('view', [link.view.target[0], link.view.target[1], link.view.distance].map((v) => Number(v.toPrecision(6))).join(','));
  const old = new URLSearchParams(keep);
  for (const k of FOREIGN_KEYS) {
    const v = old.get(k);
    if (v !== null) q.set(k, v);
  }
  return `?${q.toString()}`;
}
