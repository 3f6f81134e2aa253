import KDBush from 'kdbush';
import { describe, expect, it } from 'vitest';
import { nearestIndexed } from '../src/ui/map-nearest';
import { pointTitle } from '../src/ui/map/tooltip-content';

/** An index as regl-scatterplot builds it (node size 16, Float64 coordinates), and its points. */
function indexOf(x: Float32Array, y: Float32Array): ArrayBuffer {
  const kd = new KDBush(x.length, 16);
  for (let i = 0; i < x.length; i++) kd.add(x[i]!, y[i]!);
  return kd.finish().data as ArrayBuffer;
}

function bruteNearest(x: Float32Array, y: Float32Array, qx: number, qy: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i]! - qx) ** 2 + (y[i]! - qy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

describe('the nearest point through the spatial index', () => {
  it('is the point a scan of every point finds, in clusters, gaps and far outside the points', () => {
    let s = 7;
    const rnd = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    const n = 20_000;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Two tight clusters and a sparse background, so some queries land in empty space.
      const c = i % 10;
      x[i] = c < 4 ? -0.6 + rnd() * 0.05 : c < 8 ? 0.5 + rnd() * 0.02 : rnd() * 2 - 1;
      y[i] = c < 4 ? 0.3 + rnd() * 0.05 : c < 8 ? -0.4 + rnd() * 0.02 : rnd() * 2 - 1;
    }
    const index = indexOf(x, y);
    const queries: [number, number][] = [
      [0, 0],
      [-0.6, 0.3],
      [0.51, -0.39],
      [5, 5],
      [-40, 3],
      [0.999, -0.999],
    ];
    for (let k = 0; k < 200; k++) queries.push([rnd() * 3 - 1.5, rnd() * 3 - 1.5]);
    for (const [qx, qy] of queries) {
      const got = nearestIndexed(index, { x, y }, qx, qy)!;
      const want = bruteNearest(x, y, qx, qy);
      // Equal distances may name either point; the distance must be the least.
      expect(Math.hypot(x[got]! - qx, y[got]! - qy), `query (${qx}, ${qy})`).toBe(Math.hypot(x[want]! - qx, y[want]! - qy));
    }
  });

  it('finds the single point of a one-point map, and nothing in an empty or all-NaN one', () => {
    const one = { x: new Float32Array([0.25]), y: new Float32Array([-0.5]) };
    expect(nearestIndexed(indexOf(one.x, one.y), one, 0.9, 0.9)).toBe(0);
    const none = { x: new Float32Array(0), y: new Float32Array(0) };
    expect(nearestIndexed(indexOf(none.x, none.y), none, 0, 0)).toBeNull();
    const nan = { x: new Float32Array([NaN, NaN]), y: new Float32Array([NaN, NaN]) };
    expect(nearestIndexed(indexOf(nan.x, nan.y), nan, 0, 0)).toBeNull();
  });

  it('answers from the index alone: a query reads a handful of points, not the map', () => {
    const n = 200_000;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((i * 0.618034) % 1) * 2 - 1;
      y[i] = ((i * 0.414214) % 1) * 2 - 1;
    }
    const index = indexOf(x, y);
    let reads = 0;
    const counted = {
      x: new Proxy(x, {
        get: (t, k) => {
          if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
          return Reflect.get(t, k);
        },
      }),
      y,
    };
    nearestIndexed(index, counted, 0.1, 0.2);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(200);
  });
});

describe('point titles', () => {
  it('number an added point within its batch, as its file does', () => {
    const of = new Uint16Array([0, 0, 0, 1, 1, 2, 2, 2]);
    const b = { of, names: ['map', 'first', 'second'] };
    expect(pointTitle(1, 8, b)).toBe('row 2');
    expect(pointTitle(3, 8, b)).toBe('point 1 of first');
    expect(pointTitle(4, 8, b)).toBe('point 2 of first');
    expect(pointTitle(7, 8, b)).toBe('point 3 of second');
  });
});
