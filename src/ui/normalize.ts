export interface PlaneCoords {
  x: Float32Array;
  y: Float32Array;
}

/** The shift and scale that put a map into [-1, 1]: kept, so points added later land in the same frame. */
export interface UnitSquareFit {
  cx: number;
  cy: number;
  scale: number;
}

/**
 * Fit the first two components into [-1, 1] (regl-scatterplot's data space) with one scale for
 * both axes, so the map's shape is not stretched. One O(n) pass: cheap enough for the main thread.
 */
export function normalizeToUnitSquare(coords: Float32Array, nComponents: number, margin = 0.95): PlaneCoords {
  return applyUnitSquareFit(coords, nComponents, unitSquareFit(coords, nComponents, margin));
}

export function unitSquareFit(coords: Float32Array, nComponents: number, margin = 0.95): UnitSquareFit {
  const n = Math.floor(coords.length / nComponents);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = coords[i * nComponents]!;
    const y = coords[i * nComponents + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const half = Math.max(maxX - minX, maxY - minY) / 2;
  // A degenerate layout (one point, all identical, or NaN mid-run) maps to the centre, not to NaN.
  const scale = half > 0 && Number.isFinite(half) ? margin / half : 0;
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale };
}

/** Points outside the fitted map's bounds land outside [-1, 1]; the fitted points never move. */
export function applyUnitSquareFit(coords: Float32Array, nComponents: number, fit: UnitSquareFit): PlaneCoords {
  const n = Math.floor(coords.length / nComponents);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (coords[i * nComponents]! - fit.cx) * fit.scale || 0;
    y[i] = (coords[i * nComponents + 1]! - fit.cy) * fit.scale || 0;
  }
  return { x, y };
}
