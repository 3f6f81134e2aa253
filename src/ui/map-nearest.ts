// The point nearest a place on the map, found through the spatial index regl-scatterplot already
// keeps for its own hover and lasso (a KDBush, which it hands out as an ArrayBuffer), so a query
// reads a few dozen points however many the map has: a scan of 1M points is a long task.
import KDBush from 'kdbush';

interface Indexed {
  kd: KDBush;
  /** The box around every point: a circle that reaches its farthest corner holds them all. */
  box: [number, number, number, number];
}

/** Read once per index (the box is one pass over its points); the map asks on every Enter. */
const wrapped = new WeakMap<ArrayBufferLike, Indexed>();

function indexed(data: ArrayBufferLike): Indexed {
  let w = wrapped.get(data);
  if (!w) {
    const kd = KDBush.from(data);
    const c = kd.coords;
    const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    // Comparisons, not Math.min: a NaN point (a layout mid-run) must not make the box NaN.
    for (let k = 0; k < kd.numItems; k++) {
      const px = c[2 * k]!;
      const py = c[2 * k + 1]!;
      if (px < box[0]) box[0] = px;
      if (py < box[1]) box[1] = py;
      if (px > box[2]) box[2] = px;
      if (py > box[3]) box[3] = py;
    }
    w = { kd, box };
    wrapped.set(data, w);
  }
  return w;
}

/**
 * The point nearest (x, y) (ties: the lower index), or null for an empty index. `points`: the
 * coordinates the index was built from, in the same units. Searches circles of doubling radius,
 * from about the spacing of points spread over the [-1, 1] square: the nearest point in the first
 * circle that holds any is the nearest of all.
 */
export function nearestIndexed(data: ArrayBufferLike, points: { x: ArrayLike<number>; y: ArrayLike<number> }, x: number, y: number): number | null {
  const { kd, box } = indexed(data);
  // No point with finite coordinates (or none at all): nothing is nearest.
  if (!(box[0] <= box[2]) || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  const reach = Math.hypot(Math.max(Math.abs(x - box[0]), Math.abs(x - box[2])), Math.max(Math.abs(y - box[1]), Math.abs(y - box[3])));
  for (let r = 2 / Math.sqrt(kd.numItems); ; r *= 2) {
    const ids = kd.within(x, y, Math.min(r, reach));
    if (ids.length > 0) {
      let best = -1;
      let bestD = Infinity;
      for (const id of ids) {
        const d = (points.x[id]! - x) ** 2 + (points.y[id]! - y) ** 2;
        if (d < bestD || (d === bestD && id < best)) {
          bestD = d;
          best = id;
        }
      }
      return best;
    }
    if (r >= reach) return null;
  }
}
