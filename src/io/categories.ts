/** Labels turned into small integer codes for colouring; computed off the main thread with the parse. */
export interface Categories {
  /** codes[i] indexes names; -1 never occurs. */
  codes: Uint16Array;
  names: string[];
  /** Rows per category, same order as names. */
  counts: number[];
}

/** Beyond this many distinct values labels look like ids, and colouring by them would mean nothing. */
const MAX_CATEGORIES = 100;

/**
 * Codes are assigned in natural sort order ("2" before "10") so legends read the way people expect.
 * Returns null when there are too many distinct labels to colour by.
 */
export function encodeCategories(labels: readonly string[]): Categories | null {
  const seen = new Map<string, number>();
  for (const l of labels) {
    seen.set(l, (seen.get(l) ?? 0) + 1);
    if (seen.size > MAX_CATEGORIES) return null;
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  const names = [...seen.keys()].sort(collator.compare);
  const index = new Map(names.map((name, i) => [name, i]));
  const codes = new Uint16Array(labels.length);
  for (let i = 0; i < labels.length; i++) codes[i] = index.get(labels[i]!)!;
  return { codes, names, counts: names.map((n) => seen.get(n)!) };
}
