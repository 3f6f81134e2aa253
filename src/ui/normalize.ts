export interface PlaneCoords {
  x: Float32Array;
  y: Float32Array;
}

/**
 * Fit the first two components into [-1, 1] (regl-scatterplot's data space) with one scale for
 * both axes, so the map's shape is not stretched. One O(n) pass: cheap enough for the main thread.
 */
export function normalizeToUnitSquare(coords: Float32Array, nComponents: number, margin = 0.95): PlaneCoords {
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
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const half = Math.max(maxX - minX, maxY - minY) / 2;
  // A degenerate layout (one point, all identical, or NaN mid-run) maps to the centre, not to NaN.
  const scale = half > 0 && Number.isFinite(half) ? margin / half : 0;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (coords[i * nComponents]! - cx) * scale || 0;
    y[i] = (coords[i * nComponents + 1]! - cy) * scale || 0;
  }
  return { x, y };
}
