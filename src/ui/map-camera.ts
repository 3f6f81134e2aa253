// The map's camera bounds and its keyboard: what regl-scatterplot's camera does not bound or offer.

/**
 * Zoom bounds, as the camera's scale (1: the whole map fits). A wheel tick zooms by at most
 * MAX_TICK_ZOOM, whatever the device reports (a high-resolution wheel or a line-mode tick could
 * otherwise zoom tens of times in five ticks).
 */
export const MIN_SCALE = 0.25;
export const MAX_SCALE = 400;
const MAX_TICK_ZOOM = 1.25;

/**
 * A capturing wheel listener for the map's container: each wheel event is cut to at most
 * MAX_TICK_ZOOM before the camera (listening on the canvas) sees it, by re-sending it cut.
 */
export function wheelCap(canvas: HTMLCanvasElement): (e: WheelEvent) => void {
  const resent = new WeakSet<Event>();
  return (e) => {
    if (resent.has(e)) return;
    const h = Math.max(1, canvas.clientHeight);
    const px = e.deltaMode === 1 ? e.deltaY * 12 : e.deltaMode === 2 ? e.deltaY * h : e.deltaY;
    // The camera zooms by exp(pixels / height) per event.
    const limit = Math.log(MAX_TICK_ZOOM) * h;
    if (e.deltaMode === 0 && Math.abs(px) <= limit) return;
    e.stopPropagation();
    e.preventDefault();
    const cut = new WheelEvent('wheel', { deltaY: Math.sign(px) * Math.min(Math.abs(px), limit), deltaMode: 0, clientX: e.clientX, clientY: e.clientY, bubbles: true, cancelable: true });
    resent.add(cut);
    canvas.dispatchEvent(cut);
  };
}

/** Arrows pan (Shift: further), + and − zoom, Enter or Space inspects; true when the key was the map's. */
export function mapKey(e: KeyboardEvent, control: { pan(dx: number, dy: number): void; zoom(factor: number): void }, inspect: () => void): boolean {
  const step = e.shiftKey ? 0.25 : 0.1;
  const pans: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  const pan = pans[e.key];
  if (pan) control.pan(pan[0], pan[1]);
  else if (e.key === '+' || e.key === '=') control.zoom(1.25);
  else if (e.key === '-' || e.key === '_') control.zoom(1 / 1.25);
  else if (e.key === 'Enter' || e.key === ' ') inspect();
  else return false;
  return true;
}
