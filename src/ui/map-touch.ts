// Touch on the map: one finger drags the view, two fingers pinch-zoom (and pan) about their midpoint.
// regl-scatterplot's camera (dom-2d-camera) listens to the mouse and wheel only, and the map has
// `touch-action: none` (a page zoom would resize nothing and confuse the map), so without this a
// phone could only tap. A tap stays the browser's: its compatibility click selects and inspects.
import type { MapView } from '../share/link';
import { MAX_SCALE, MIN_SCALE } from './map-camera';

interface TouchCamera {
  view(): MapView | null;
  setView(v: MapView): void;
  /** The map's CSS size. */
  size(): { width: number; height: number };
}

/** A finger that moves less than this is still tapping. */
const TAP_SLOP = 8;

type Pt = [number, number];

/** Listen on `el` (the map's container); returns the function that stops listening. */
export function touchGestures(el: HTMLElement, cam: TouchCamera): () => void {
  const fingers = new Map<number, Pt>();
  let start: Pt | null = null;
  let dragging = false;

  const local = (e: PointerEvent): Pt => {
    const box = el.getBoundingClientRect();
    return [e.clientX - box.left, e.clientY - box.top];
  };
  /** Move the view so that the data under `from` lies under `to`, at `factor` times the zoom. */
  const move = (from: Pt, to: Pt, factor: number) => {
    const v = cam.view();
    const { width, height } = cam.size();
    if (!v || height <= 0) return;
    const s = height / (2 * v.distance);
    const x = v.target[0] + (from[0] - width / 2) / s;
    const y = v.target[1] - (from[1] - height / 2) / s;
    const distance = Math.min(1 / MIN_SCALE, Math.max(1 / MAX_SCALE, v.distance / factor));
    const s2 = height / (2 * distance);
    cam.setView({ target: [x - (to[0] - width / 2) / s2, y + (to[1] - height / 2) / s2], distance });
  };
  const firstTwo = (): Pt[] => [...fingers.values()].slice(0, 2);

  const down = (e: PointerEvent) => {
    if (e.pointerType !== 'touch') return;
    fingers.set(e.pointerId, local(e));
    start = fingers.size === 1 ? local(e) : null;
    dragging = fingers.size > 1;
  };
  const moved = (e: PointerEvent) => {
    const was = fingers.get(e.pointerId);
    if (e.pointerType !== 'touch' || !was) return;
    const now = local(e);
    const before = firstTwo();
    fingers.set(e.pointerId, now);
    const [a, b] = before;
    const [c, d] = firstTwo();
    if (a && b && c && d) {
      // Pinch: the midpoint carries the data under it, the fingers' spread scales the zoom.
      const spanWas = Math.hypot(a[0] - b[0], a[1] - b[1]);
      const spanNow = Math.hypot(c[0] - d[0], c[1] - d[1]);
      if (spanWas > 0 && spanNow > 0) move([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], [(c[0] + d[0]) / 2, (c[1] + d[1]) / 2], spanNow / spanWas);
    } else if (dragging || (start && Math.hypot(now[0] - start[0], now[1] - start[1]) > TAP_SLOP)) {
      // The first move past the slop also covers the distance moved within it.
      move(dragging ? was : start!, now, 1);
      dragging = true;
    }
  };
  const up = (e: PointerEvent) => {
    if (!fingers.delete(e.pointerId)) return;
    // Lifting one finger of a pinch leaves a drag, not a tap.
    if (fingers.size === 0) {
      start = null;
      dragging = false;
    }
  };

  el.addEventListener('pointerdown', down);
  el.addEventListener('pointermove', moved);
  el.addEventListener('pointerup', up);
  el.addEventListener('pointercancel', up);
  return () => {
    el.removeEventListener('pointerdown', down);
    el.removeEventListener('pointermove', moved);
    el.removeEventListener('pointerup', up);
    el.removeEventListener('pointercancel', up);
  };
}
