/**
 * UMAP's gradient coefficients as functions of the squared distance, tabulated once per run so the
 * SGD's inner loop does a table lookup instead of Math.pow (which costs more than the rest of a
 * sample together). The grid is uniform in t = d²/(1+d²), which packs points where the curves bend
 * and still covers every distance; linear interpolation keeps the relative error under ~1e-4,
 * far below SGD's own noise. Below the first grid cell, the exact formula is used.
 *
 *   attract(d²) = −2ab·d^(2(b−1)) / (1 + a·d^(2b))
 *   repel(d²)   =  2γb / ((0.001 + d²)(1 + a·d^(2b)))
 */
export interface GradientTable {
  size: number;
  attract: Float64Array;
  repel: Float64Array;
  /** Squared distances below this are computed exactly. */
  exactBelow: number;
  a: number;
  b: number;
  gamma: number;
}

const TABLE_SIZE = 1 << 14;

export function makeGradientTable(a: number, b: number, gamma: number, size = TABLE_SIZE): GradientTable {
  const attract = new Float64Array(size + 1);
  const repel = new Float64Array(size + 1);
  for (let i = 0; i <= size; i++) {
    const t = Math.min(i / size, 1 - 1e-9);
    const d2 = t / (1 - t);
    attract[i] = exactAttract(d2, a, b);
    repel[i] = exactRepel(d2, a, b, gamma);
  }
  const t1 = 1 / size;
  return { size, attract, repel, exactBelow: t1 / (1 - t1), a, b, gamma };
}

export function exactAttract(d2: number, a: number, b: number): number {
  if (d2 <= 0) return 0;
  const pb = d2 ** b;
  return (-2 * a * b * pb) / (d2 * (a * pb + 1));
}

export function exactRepel(d2: number, a: number, b: number, gamma: number): number {
  return (2 * gamma * b) / ((0.001 + d2) * (a * d2 ** b + 1));
}

/** Interpolated lookup; `tab` is the table's attract or repel array. */
export function lookup(tab: Float64Array, size: number, d2: number): number {
  const x = (d2 / (1 + d2)) * size;
  const i = x | 0;
  if (i >= size) return tab[size]!;
  const lo = tab[i]!;
  return lo + (x - i) * (tab[i + 1]! - lo);
}
