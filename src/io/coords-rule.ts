// Which columns of a file are a precomputed 2-D (or 3-D) map rather than part of the vector. Names
// only, so the preview (first rows) and the finished read decide alike.

/** Families in the order one is preferred when a file holds several (a PCA next to a UMAP, say). */
const FAMILIES: { name: string; re: RegExp }[] = [
  { name: 'xy', re: /^([xyz])$/i },
  { name: 'umap', re: /^umap[ _.-]?([0-9]+|[xyz])$/i },
  { name: 'tsne', re: /^t-?sne[ _.-]?([0-9]+|[xyz])$/i },
  { name: 'projection', re: /^proj(?:ection)?[ _.-]?([0-9]+|[xyz])$/i },
  { name: 'pca', re: /^pca?[ _.-]?([0-9]+|[xyz])$/i },
  { name: 'dim', re: /^dim[ _.-]?([0-9]+|[xyz])$/i },
];

/** A coordinate family found among a file's numeric column names, in axis order. */
export interface CoordFamily {
  columns: string[];
  dim: 2 | 3;
}

/**
 * One family's axes among the names: x/y[/z], or a numbered series that is exactly 1,2[,3] or
 * 0,1[,2]. A longer series (dim_0 … dim_767, PC1 … PC50) is a vector's components, not a map.
 */
function familyIn(names: readonly string[], re: RegExp): CoordFamily | null {
  const letters = new Map<string, string>();
  const numbers = new Map<number, string>();
  for (const name of names) {
    const m = re.exec(name.trim());
    if (!m) continue;
    const axis = m[1]!.toLowerCase();
    if (/^[xyz]$/.test(axis)) letters.set(axis, name);
    else numbers.set(Number(axis), name);
  }
  if (letters.has('x') && letters.has('y')) return pick([letters.get('x')!, letters.get('y')!, letters.get('z')]);
  const idx = [...numbers.keys()];
  const within = (lo: number) => idx.every((i) => i >= lo && i <= lo + 2) && numbers.has(lo) && numbers.has(lo + 1);
  if (within(0)) return pick([numbers.get(0)!, numbers.get(1)!, numbers.get(2)]);
  if (within(1)) return pick([numbers.get(1)!, numbers.get(2)!, numbers.get(3)]);
  return null;
}

function pick(cols: (string | undefined)[]): CoordFamily {
  const columns = cols.filter((c): c is string => c !== undefined);
  return { columns, dim: columns.length === 3 ? 3 : 2 };
}

/**
 * Every coordinate family among the candidate names, best first. Bare `0`/`1`[/`2`] (cuML's and
 * pandas' default names) count only when nothing else matched and they are all the vector columns
 * there are: a frame with columns 0 … 767 is a vector.
 */
export function coordFamilies(candidates: readonly string[], vector: readonly string[]): CoordFamily[] {
  const found: CoordFamily[] = [];
  for (const f of FAMILIES) {
    const fam = familyIn(candidates, f.re);
    if (fam) found.push(fam);
  }
  if (found.length === 0) {
    const bare = familyIn(vector, /^([0-9]+)$/);
    if (bare && bare.columns.length === vector.length) found.push(bare);
  }
  return found;
}

/** Numeric columns left beside a map are the vectors only when there are at least this many; fewer are metadata. */
const MIN_VECTOR_COLUMNS = 8;

/** A column of whole cluster ids (-1 noise) beside the map: our own CSV export writes `cluster`. */
const CLUSTER_COLUMN = /^(hdbscan[ _.-]?)?cluster(s|[ _.-]?id)?$/i;

/** How a file's columns divide once a map is found in it. */
export interface CoordPlan {
  /** The map's columns, in axis order. */
  columns: string[];
  dim: 2 | 3;
  /** Vector columns that become metadata: other coordinate families, a cluster column, too few numeric columns left. */
  toMeta: string[];
  /** The cluster column, when there is one. */
  cluster?: string;
  /** What stays the vector (the map's own columns when the file holds nothing else). */
  vector: string[];
  /** No other vectors: the map's columns are all the numeric data there is (they could be data to embed). */
  alsoData: boolean;
}

/**
 * The plan for a file whose vector columns are `vector` (by name; `listVector` when the vector is a
 * list column, which always stays the vector) and whose metadata columns are `meta`.
 */
export function planCoords(vector: readonly string[], meta: readonly string[], listVector: boolean): CoordPlan | null {
  const candidates = listVector ? [...meta] : [...vector, ...meta];
  const families = coordFamilies(candidates, listVector ? [] : vector);
  if (families.length === 0) return null;
  const chosen = families[0]!;
  const taken = new Set(families.flatMap((f) => f.columns));
  const cluster = candidates.find((c) => CLUSTER_COLUMN.test(c.trim()) && !taken.has(c));
  if (listVector) return { columns: chosen.columns, dim: chosen.dim, toMeta: [], ...(cluster !== undefined && { cluster }), vector: [...vector], alsoData: false };
  const rest = vector.filter((c) => !taken.has(c) && c !== cluster);
  const keepRest = rest.length >= MIN_VECTOR_COLUMNS;
  const toMeta = vector.filter((c) => (taken.has(c) && !chosen.columns.includes(c)) || c === cluster || (!keepRest && rest.includes(c)));
  const plan: CoordPlan = { columns: chosen.columns, dim: chosen.dim, toMeta, vector: keepRest ? rest : chosen.columns, alsoData: !keepRest };
  if (cluster !== undefined) plan.cluster = cluster;
  return plan;
}
