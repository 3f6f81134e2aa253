// Where the map's camera looks so that the points fill the part of the map the open panels leave
// bare. The panels lie over the map (opening one never resizes it), so centring the points on the
// whole canvas would put a third of a wide screen's map under the left panel.
import type { MapView } from '../share/link';
import { MAX_SCALE, MIN_SCALE } from './map-camera';

/** CSS pixels of the map's left and right sides that a panel covers. */
export interface Insets {
  left: number;
  right: number;
}

interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Free space kept between the outermost points and the bare rect's edges, in CSS pixels. */
const FIT_PADDING = 24;
/** Below this bare width the insets are ignored: a sliver would shrink the map to nothing. */
const MIN_BARE_WIDTH = 160;

/** The points' bounding box in the frame's units; null for an empty or all-NaN frame. */
export function boundsOf(f: { x: Float32Array; y: Float32Array }): Bounds | null {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < f.x.length; i++) {
    const x = f.x[i]!;
    const y = f.y[i]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return Number.isFinite(minX) && Number.isFinite(minY) ? { minX, maxX, minY, maxY } : null;
}

/** The bare rect's left edge and width, falling back to the whole width when the panels leave too little. */
function bareSpan(width: number, insets: Insets): [number, number] {
  const bare = width - insets.left - insets.right;
  return bare >= MIN_BARE_WIDTH ? [insets.left, bare] : [0, width];
}

/**
 * The camera (regl-scatterplot's target and distance) that fits `b` into the bare rect of a
 * width × height map. regl-scatterplot draws a unit of data as height / (2 · distance) pixels on
 * both axes, centred on the target; the target is shifted so the data's centre lands at the bare
 * rect's centre rather than the canvas's.
 */
export function fitView(b: Bounds | null, width: number, height: number, insets: Insets): MapView {
  if (!b || width <= 0 || height <= 0) return { target: [0, 0], distance: 1 };
  const [left, bare] = bareSpan(width, insets);
  // A single point (or all on one line) has no extent on an axis: frame it as the unit square would be.
  const spanX = b.maxX - b.minX || 2;
  const spanY = b.maxY - b.minY || 2;
  const pad = Math.min(FIT_PADDING, bare / 8, height / 8);
  const pxPerUnit = Math.min((bare - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const distance = Math.min(1 / MIN_SCALE, Math.max(1 / MAX_SCALE, height / (2 * pxPerUnit)));
  const s = height / (2 * distance);
  const shift = (left + bare / 2 - width / 2) / s;
  return { target: [(b.minX + b.maxX) / 2 - shift, (b.minY + b.maxY) / 2], distance };
}

/** The data point under the bare rect's centre (where Enter inspects), in the frame's units. */
export function bareCentre(v: MapView, width: number, height: number, insets: Insets): [number, number] {
  const [left, bare] = bareSpan(width, insets);
  const s = height / (2 * v.distance);
  return [v.target[0] + (left + bare / 2 - width / 2) / s, v.target[1]];
}

/** How a view puts data on screen: CSS pixel x = x0 + x · s, y = y0 − y · s (what the preview canvas draws with). */
export interface Framing {
  x0: number;
  y0: number;
  s: number;
}

export function framingOf(v: MapView, width: number, height: number): Framing {
  const s = height / (2 * v.distance);
  return { x0: width / 2 - v.target[0] * s, y0: height / 2 + v.target[1] * s, s };
}
