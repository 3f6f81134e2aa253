import type { Categories } from '../../io/categories';
import type { Dataset, MetaColumn } from '../../io/dataset';
import { categoricalPalette, UNLABELLED_COLOR } from '../palette';

const NOISE_COLOR = '#c4c4c4';
const MAX_CATEGORICAL = 100;
const SCALE_STEPS = 64;

export type LegendSpec =
  /** codes: each row's colour code (what its points carry in Coloring.codes), for filtering by row. */
  | { kind: 'categorical'; title: string; names: string[]; counts: number[]; colors: string[]; codes: number[] }
  | { kind: 'numeric'; title: string; min: number; max: number; colors: string[] };

/** How each point is painted: codes index colors (null: every point takes colors[0]). */
export interface Coloring {
  codes: Uint16Array | null;
  colors: string[];
  legend: LegendSpec | null;
}

/** What the map can be coloured by. Metadata columns are addressed by name. */
export type ColorBy = { kind: 'none' } | { kind: 'label' } | { kind: 'cluster' } | { kind: 'batch' } | { kind: 'meta'; name: string };

export const colorByKey = (c: ColorBy): string => (c.kind === 'meta' ? `meta:${c.name}` : c.kind);

export function colorByFromKey(key: string): ColorBy {
  if (key.startsWith('meta:')) return { kind: 'meta', name: key.slice(5) };
  if (key === 'label' || key === 'cluster' || key === 'batch') return { kind: key };
  return { kind: 'none' };
}

export const plainColoring = (): Coloring => ({ codes: null, colors: [UNLABELLED_COLOR], legend: null });

export function labelColoring(categories: Categories, title: string | undefined): Coloring {
  const colors = categoricalPalette(categories.names.length);
  return {
    codes: categories.codes,
    colors,
    legend: { kind: 'categorical', title: title ?? 'label', names: categories.names, counts: categories.counts, colors, codes: identityCodes(colors.length) },
  };
}

/** Cluster id k gets palette colour k (stable ids keep colours); noise is code 0, grey. */
export function clusterColoring(labels: Int32Array, maxId: number): Coloring {
  const palette = categoricalPalette(maxId + 1);
  const codes = new Uint16Array(labels.length);
  const counts = new Array<number>(maxId + 2).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]! + 1;
    codes[i] = c;
    counts[c]!++;
  }
  const colors = [NOISE_COLOR, ...palette];
  const names = ['noise', ...palette.map((_, k) => `cluster ${k}`)];
  // Ids freed by clusters that vanished stay out of the legend.
  const keep = counts.map((c, k) => k === 0 || c > 0);
  return {
    codes,
    colors,
    legend: {
      kind: 'categorical',
      title: 'HDBSCAN cluster',
      names: names.filter((_, k) => keep[k]),
      counts: counts.filter((_, k) => keep[k]),
      colors: colors.filter((_, k) => keep[k]),
      codes: identityCodes(colors.length).filter((k) => keep[k]),
    },
  };
}

/** Batch 0 (the fitted map) grey, each added batch its own colour, so the new points stand out. */
export function batchColoring(of: Uint16Array, names: string[]): Coloring {
  const colors = [NOISE_COLOR, ...categoricalPalette(names.length - 1)];
  const counts = new Array<number>(names.length).fill(0);
  for (let i = 0; i < of.length; i++) counts[of[i]!]!++;
  return { codes: of, colors, legend: { kind: 'categorical', title: 'batch', names, counts, colors, codes: identityCodes(names.length) } };
}

/** Numbers get a continuous scale (viridis-like), text a categorical legend (if few enough values). */
export function metaColoring(col: MetaColumn): Coloring | string {
  const v = col.values;
  if (v instanceof Float64Array) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (Number.isNaN(x)) continue;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const colors = [NOISE_COLOR, ...scaleColors(SCALE_STEPS)];
    const codes = new Uint16Array(v.length);
    const span = max - min;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      codes[i] = Number.isNaN(x) ? 0 : 1 + (span > 0 ? Math.min(SCALE_STEPS - 1, Math.floor(((x - min) / span) * SCALE_STEPS)) : 0);
    }
    return { codes, colors, legend: { kind: 'numeric', title: col.name, min, max, colors: colors.slice(1) } };
  }
  const seen = new Map<string, number>();
  for (const s of v) {
    seen.set(s, (seen.get(s) ?? 0) + 1);
    if (seen.size > MAX_CATEGORICAL) return `${col.name} has more than ${MAX_CATEGORICAL} distinct values; colouring by it would mean nothing.`;
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  const names = [...seen.keys()].sort(collator.compare);
  const index = new Map(names.map((name, i) => [name, i]));
  const codes = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) codes[i] = index.get(v[i]!)!;
  const colors = categoricalPalette(names.length);
  return { codes, colors, legend: { kind: 'categorical', title: col.name, names, counts: names.map((n) => seen.get(n)!), colors, codes: identityCodes(names.length) } };
}

const identityCodes = (count: number): number[] => Array.from({ length: count }, (_, k) => k);

/** Points of the categories outside a legend filter take this colour, so the chosen ones stand out. */
const FILTERED_OUT_COLOR = '#e6e6e6';

/** The colouring with every code outside `on` greyed out (the legend keeps its own colours). */
export function filteredColoring(c: Coloring, on: ReadonlySet<number>): Coloring {
  return { ...c, colors: c.colors.map((color, k) => (on.has(k) ? color : FILTERED_OUT_COLOR)) };
}

/** Viridis anchors, interpolated: perceptually even and readable in greyscale. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

function scaleColors(steps: number): string[] {
  const rgb = VIRIDIS.map((h) => [1, 3, 5].map((o) => Number.parseInt(h.slice(o, o + 2), 16)));
  const out: string[] = [];
  for (let s = 0; s < steps; s++) {
    const t = (s / Math.max(1, steps - 1)) * (rgb.length - 1);
    const i = Math.min(rgb.length - 2, Math.floor(t));
    const f = t - i;
    const c = rgb[i]!.map((a, k) => Math.round(a + (rgb[i + 1]![k]! - a) * f));
    out.push(`#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`);
  }
  return out;
}

/** The metadata columns of a dataset; labels given as a separate file count as one more column. */
export function metadataColumns(ds: Dataset): MetaColumn[] {
  const cols = ds.metadata ? [...ds.metadata] : [];
  if (ds.labels && !cols.some((c) => c.name === ds.labelName)) cols.unshift({ name: ds.labelName ?? 'label', values: ds.labels });
  return cols;
}

/** One cell as text, for tooltips, search and CSV. */
export function cellText(col: MetaColumn, i: number): string {
  const v = col.values[i];
  return v === undefined ? '' : typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : v;
}
