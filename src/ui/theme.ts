// The map's colours follow the page theme. CSS owns the values (--map-bg in app.css, per
// prefers-color-scheme); WebGL and the preview canvas cannot read CSS, so they get them from here,
// and again whenever the system switches between light and dark.
import { createSignal, onCleanup, type Accessor } from 'solid-js';

const DARK = '(prefers-color-scheme: dark)';
const FALLBACK_BG = '#ffffff';

function readMapBackground(): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue('--map-bg').trim();
  return /^#[0-9a-f]{6}$/i.test(value) ? value : FALLBACK_BG;
}

/** The map background as '#rrggbb', current with the system's colour scheme. Call inside a component. */
export function createMapBackground(): Accessor<string> {
  const [bg, setBg] = createSignal(readMapBackground());
  const query = window.matchMedia(DARK);
  // getComputedStyle recalculates styles, so it already sees the new scheme when the event fires.
  const onChange = () => setBg(readMapBackground());
  query.addEventListener('change', onChange);
  onCleanup(() => query.removeEventListener('change', onChange));
  return bg;
}
