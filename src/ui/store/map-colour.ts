// What the map is coloured by (the user's choice, else labels, else clusters), the colouring that
// follows from it, and how points are drawn (size, opacity).
import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { MetaColumn } from '../../io/dataset';
import { batchColoring, clusterColoring, colorByFromKey, colorByKey, filteredColoring, labelColoring, metaColoring, plainColoring, type ColorBy, type Coloring } from '../map/coloring';
import { PERFORMANCE_MODE_N, type MapFrame, type MapStyle } from '../ScatterMap';
import type { BatchInfo } from './map-batch-file';
import type { Clusters } from './map-types';

/** The colour-by the user chose (null: not chosen yet), and the one in effect. */
export function createColourChoice(frame: Accessor<MapFrame | null>, initialKey: string | undefined) {
  const [colorKey, setColorKey] = createSignal<string | null>(initialKey ?? null);
  const colorBy = createMemo<ColorBy>(
    () => {
      const key = colorKey();
      if (key) return colorByFromKey(key);
      return frame()?.categories ? { kind: 'label' } : { kind: 'cluster' };
    },
    { kind: 'none' },
    { equals: (a, b) => colorByKey(a) === colorByKey(b) },
  );
  return { colorKey, setColorKey, colorBy };
}

/** A colouring, or why the map is drawn plain (no labels, clustering still running, a bad column). */
export interface ColouringState {
  coloring: Coloring;
  note: string | null;
}

export function createColouring(o: {
  frame: Accessor<MapFrame | null>;
  colorBy: Accessor<ColorBy>;
  clusters: Accessor<Clusters | null>;
  meta: Accessor<MetaColumn[]>;
  batches: Accessor<BatchInfo | null>;
}): Accessor<ColouringState> {
  const n = () => o.frame()?.x.length ?? 0;
  // Previews arrive ~10 times a second with the same categories: reuse their colouring, so the
  // legend and the WebGL styling are not rebuilt for every frame.
  let labelCache: { categories: unknown; title: string | undefined; coloring: Coloring } | null = null;
  return createMemo<ColouringState>(() => {
    const f = o.frame();
    const by = o.colorBy();
    if (by.kind === 'label') {
      if (!f?.categories) return { coloring: plainColoring(), note: 'These data have no labels to colour by.' };
      if (labelCache?.categories !== f.categories || labelCache.title !== f.labelName)
        labelCache = { categories: f.categories, title: f.labelName, coloring: labelColoring(f.categories, f.labelName) };
      return { coloring: labelCache.coloring, note: null };
    }
    if (by.kind === 'cluster') {
      const c = o.clusters();
      return c && c.labels.length === n() ? { coloring: clusterColoring(c.labels, c.maxId), note: null } : { coloring: plainColoring(), note: 'Clustering…' };
    }
    if (by.kind === 'batch') {
      const b = o.batches();
      return b && b.of.length === n() ? { coloring: batchColoring(b.of, b.names), note: null } : { coloring: plainColoring(), note: 'No points were added to this map.' };
    }
    if (by.kind === 'meta') {
      const col = o.meta().find((m) => m.name === by.name);
      if (!col) return { coloring: plainColoring(), note: `No column named ${by.name}.` };
      const c = metaColoring(col);
      return typeof c === 'string' ? { coloring: plainColoring(), note: c } : { coloring: c, note: null };
    }
    return { coloring: plainColoring(), note: null };
  });
}

/** Point size and opacity as chosen; density-based opacity is on by default for big maps. */
export function createMapStyle(n: Accessor<number>) {
  const [pointSize, setPointSize] = createSignal<number | null>(null);
  const [opacity, setOpacity] = createSignal(0.85);
  const [density, setDensity] = createSignal<boolean | null>(null);
  const style = createMemo<MapStyle>(() => ({ pointSize: pointSize(), opacity: opacity(), opacityByDensity: density() ?? (n() > 100_000 && n() < PERFORMANCE_MODE_N) }));
  // Cluster names drawn over the map (off by default: they cover points).
  const [clusterLabels, setClusterLabels] = createSignal(false);
  return { style, setPointSize, setOpacity, setDensity, clusterLabels, setClusterLabels };
}

/**
 * The legend's filter: the colour codes shown in full, the others greyed out (null: all shown).
 * A plain click shows one category (again: all); Shift/Ctrl/Cmd adds or removes one. A new
 * colour-by starts unfiltered.
 */
export function createCategoryFilter(o: { colorBy: Accessor<ColorBy>; colouring: Accessor<ColouringState> }) {
  const [on_, setOn] = createSignal<ReadonlySet<number> | null>(null);
  createEffect(on(o.colorBy, () => setOn(null), { defer: true }));
  const toggle = (code: number, add: boolean): void => {
    const cur = on_();
    if (!add) {
      setOn(cur?.size === 1 && cur.has(code) ? null : new Set([code]));
      return;
    }
    const next = new Set(cur ?? []);
    if (next.has(code)) next.delete(code);
    else next.add(code);
    setOn(next.size === 0 ? null : next);
  };
  /** What the map draws: the colouring, with the filtered-out categories grey. */
  const shown = createMemo<Coloring>(() => {
    const c = o.colouring().coloring;
    const set = on_();
    return set && c.legend?.kind === 'categorical' ? filteredColoring(c, set) : c;
  });
  return {
    on: on_,
    toggle,
    reset: (): void => {
      setOn(null);
    },
    shown,
  };
}
