// The selected points (lasso, click or search), lasso mode, and the metadata search that selects its matches.
import { createSignal, type Accessor } from 'solid-js';
import type { MetaColumn } from '../../io/dataset';
import type { MapControl } from '../ScatterMap';

/** Distinct texts of a column tested once each, up to this many (an id column has one per row). */
const SEARCH_CACHE_MAX = 10_000;

/** Whether row i of a column contains q (already lower-cased), as cellText shows the cell. */
function cellMatcher(col: MetaColumn, q: string): (i: number) => boolean {
  const v = col.values;
  if (v instanceof Float64Array) return (i) => !Number.isNaN(v[i]!) && String(v[i]).includes(q);
  // Text columns repeat their values (labels, categories): each distinct one is lower-cased once.
  const seen = new Map<string, boolean>();
  return (i) => {
    const cell = v[i] ?? '';
    let hit = seen.get(cell);
    if (hit === undefined) {
      hit = cell.toLowerCase().includes(q);
      if (seen.size < SEARCH_CACHE_MAX) seen.set(cell, hit);
    }
    return hit;
  };
}

/** Rows with a cell that contains the query (case-insensitive). */
export function searchRows(cols: MetaColumn[], n: number, query: string): number[] {
  const q = query.toLowerCase();
  const tests = cols.map((col) => cellMatcher(col, q));
  const hits: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const test of tests) {
      if (test(i)) {
        hits.push(i);
        break;
      }
    }
  }
  return hits;
}

export function createSelection(o: { n: Accessor<number>; meta: Accessor<MetaColumn[]>; control: () => MapControl | null }) {
  const [selection, setSelection] = createSignal<number[]>([]);
  const [search, setSearch] = createSignal('');
  const [searchNote, setSearchNote] = createSignal<string | null>(null);
  // Lasso mode: a plain drag draws a lasso (Shift+drag does so in either mode).
  const [lasso, setLasso] = createSignal(false);

  /** Select what the search finds; an empty search clears the selection. */
  const runSearch = () => {
    const q = search().trim();
    if (!q) {
      o.control()?.deselect();
      setSearchNote(null);
      return;
    }
    const cols = o.meta();
    if (cols.length === 0) {
      setSearchNote('These data have no metadata to search.');
      return;
    }
    const hits = searchRows(cols, o.n(), q);
    setSearchNote(`${hits.length.toLocaleString('en-US')} matches`);
    if (hits.length > 0) o.control()?.select(hits);
    else o.control()?.deselect();
  };

  return {
    selection,
    /** What the map reports as selected (the map is the source of truth for its selection). */
    selected: (indices: number[]) => setSelection(indices),
    /** Clear the selection, and the search count that described it. */
    clear: () => {
      o.control()?.deselect();
      setSearchNote(null);
    },
    lasso,
    toggleLasso() {
      setLasso(!lasso());
      o.control()?.setLassoMode(lasso());
    },
    search,
    setSearch,
    searchNote,
    runSearch,
  };
}
