// Where the PNG export and the overlays (cluster labels) get their camera: the WebGL map does not
// expose its view matrix, so the data → screen mapping is recovered from where three points are drawn.
import type { MapControl, MapFrame } from '../ScatterMap';

/** Three far-apart points of a frame, found once per frame (overlays ask on every pan and zoom). */
const anchors = new WeakMap<MapFrame, [number, number, number] | null>();

function anchorsOf(f: MapFrame): [number, number, number] | null {
  const known = anchors.get(f);
  if (known !== undefined) return known;
  let a = 0;
  let b = 0;
  for (let i = 1; i < f.x.length; i++) {
    if (f.x[i]! < f.x[a]!) a = i;
    if (f.x[i]! > f.x[b]!) b = i;
  }
  let c = -1;
  let best = 0;
  for (let i = 0; i < f.x.length; i++) {
    const area = Math.abs((f.x[b]! - f.x[a]!) * (f.y[i]! - f.y[a]!) - (f.y[b]! - f.y[a]!) * (f.x[i]! - f.x[a]!));
    if (area > best) {
      best = area;
      c = i;
    }
  }
  const out: [number, number, number] | null = c < 0 ? null : [a, b, c];
  anchors.set(f, out);
  return out;
}

/**
 * Data → screen mapping of the WebGL view, recovered from the screen positions of three points
 * (the 2-D camera is an affine map), so the PNG matches what is on screen at any zoom.
 */
export function screenTransform(f: MapFrame, control: MapControl | null): ((x: number, y: number) => [number, number]) | null {
  if (!control || f.x.length < 3) return null;
  const found = anchorsOf(f);
  if (!found) return null;
  const [a, b, c] = found;
  const pa = control.screenPosition(a);
  const pb = control.screenPosition(b);
  const pc = control.screenPosition(c);
  if (!pa || !pb || !pc) return null;
  const det = (f.x[b]! - f.x[a]!) * (f.y[c]! - f.y[a]!) - (f.x[c]! - f.x[a]!) * (f.y[b]! - f.y[a]!);
  const solve = (sa: number, sb: number, sc: number) => {
    const m1 = ((sb - sa) * (f.y[c]! - f.y[a]!) - (sc - sa) * (f.y[b]! - f.y[a]!)) / det;
    const m2 = ((f.x[b]! - f.x[a]!) * (sc - sa) - (f.x[c]! - f.x[a]!) * (sb - sa)) / det;
    return [m1, m2, sa - m1 * f.x[a]! - m2 * f.y[a]!] as const;
  };
  const [xx, xy, x0] = solve(pa[0], pb[0], pc[0]);
  const [yx, yy, y0] = solve(pa[1], pb[1], pc[1]);
  return (x, y) => [xx * x + xy * y + x0, yx * x + yy * y + y0];
}
