/**
 * Renumber new cluster labels so that a cluster keeps its id (and so its colour) from one streaming
 * update to the next: new and previous clusters are paired greedily by how many points they share,
 * largest overlap first; a new cluster with no partner takes the smallest id not already in use.
 * Noise (-1) stays -1.
 */
export function matchToPrevious(prev: Int32Array | null, next: Int32Array, nextCount: number): { labels: Int32Array; ids: number[] } {
  const ids = new Array<number>(nextCount).fill(-1);
  if (prev && prev.length === next.length) {
    const overlap = new Map<number, number>();
    // Pairs are keyed as next * span + prev, with prev shifted so noise is not a partner.
    let prevMax = -1;
    for (let i = 0; i < prev.length; i++) if (prev[i]! > prevMax) prevMax = prev[i]!;
    const span = prevMax + 1;
    for (let i = 0; i < next.length; i++) {
      const a = next[i]!;
      const b = prev[i]!;
      if (a < 0 || b < 0) continue;
      const key = a * span + b;
      overlap.set(key, (overlap.get(key) ?? 0) + 1);
    }
    const pairs = [...overlap.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0]);
    const taken = new Set<number>();
    for (const [key] of pairs) {
      const a = Math.floor(key / span);
      const b = key % span;
      if (ids[a]! >= 0 || taken.has(b)) continue;
      ids[a] = b;
      taken.add(b);
    }
  }
  const used = new Set(ids.filter((id) => id >= 0));
  let fresh = 0;
  for (let a = 0; a < nextCount; a++) {
    if (ids[a]! >= 0) continue;
    while (used.has(fresh)) fresh++;
    ids[a] = fresh;
    used.add(fresh);
  }
  const labels = new Int32Array(next.length);
  for (let i = 0; i < next.length; i++) labels[i] = next[i]! < 0 ? -1 : ids[next[i]!]!;
  return { labels, ids };
}

/**
 * Renumber clusters by a canonical order — largest first, equal sizes by their lowest point index —
 * so the ids depend on the labelling alone, not on the stream of previews that led to it: two viewers
 * of the same map get the same ids, and so the same colours. Noise (-1) stays -1.
 */
export function canonicalLabels(labels: Int32Array, count: number): Int32Array {
  const size = new Array<number>(count).fill(0);
  const first = new Array<number>(count).fill(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    size[c]!++;
    if (first[c] === labels.length) first[c] = i;
  }
  const order = [...size.keys()].filter((c) => size[c]! > 0).sort((a, b) => size[b]! - size[a]! || first[a]! - first[b]!);
  const id = new Int32Array(count).fill(-1);
  order.forEach((c, k) => {
    id[c] = k;
  });
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i]! < 0 ? -1 : id[labels[i]!]!;
  return out;
}

/** Adjusted Rand index of two labelings (Hubert & Arabie); noise (-1) counts as one more label. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new Error('Labelings differ in length.');
  const comb2 = (k: number) => (k * (k - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}|${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const v of cells.values()) index += comb2(v);
  let sa = 0;
  for (const v of rows.values()) sa += comb2(v);
  let sb = 0;
  for (const v of cols.values()) sb += comb2(v);
  const expected = (sa * sb) / comb2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
