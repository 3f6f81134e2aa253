// The one regl-scatterplot instance of the interactive map, as ScatterMap configures it: the
// selection's look, the keys, the zoom bounds, and the events the map passes on.
import createScatterplot from 'regl-scatterplot';
import type { Renderer } from './direct-renderer';
import { MAX_SCALE, MIN_SCALE } from './map-camera';
import { plainColoring } from './map/coloring';

export type Scatterplot = ReturnType<typeof createScatterplot>;

export interface PlotEvents {
  hover(index: number | null): void;
  select(indices: number[]): void;
  /** A click (not a lasso) picked this one point. */
  pick(index: number): void;
  view(): void;
}

/**
 * regl-scatterplot's performance mode (square points, no alpha blending) can only be chosen at
 * creation, so the map recreates the plot when it crosses PERFORMANCE_MODE_N points.
 */
export function makeScatterplot(o: { renderer: Renderer; canvas: HTMLCanvasElement; background: string; performanceMode: boolean; on: PlotEvents }): Scatterplot {
  const p = createScatterplot({
    renderer: o.renderer,
    canvas: o.canvas,
    width: 'auto',
    height: 'auto',
    backgroundColor: o.background,
    pointColor: plainColoring().colors,
    pointSize: 4,
    opacity: 0.85,
    lassoInitiator: false,
    performanceMode: o.performanceMode,
    // A selection dims every other point, and the selected ones are drawn darker and larger.
    opacityInactiveScale: 0.2,
    opacityInactiveMax: 0.2,
    pointColorActive: '#1a1a1a',
    pointSizeSelected: 3,
    pointOutlineWidth: 2,
    // Esc is the page's (map-store escape()): it clears the search count and the inspector too.
    deselectOnEscape: false,
    // Lasso with shift+drag (or lasso mode); a plain click selects one point.
    keyMap: { shift: 'lasso', alt: 'rotate', cmd: 'merge', ctrl: 'merge', meta: 'merge' },
  });
  p.subscribe('pointOver', (i: number) => o.on.hover(i));
  p.subscribe('pointOut', () => o.on.hover(null));
  let lassoing = false;
  p.subscribe('lassoStart', () => {
    lassoing = true;
  });
  p.subscribe('select', ({ points }: { points: number[] }) => {
    o.on.select(points);
    if (!lassoing && points.length === 1) o.on.pick(points[0]!);
    lassoing = false;
  });
  p.subscribe('deselect', () => o.on.select([]));
  p.subscribe('view', () => o.on.view());
  (p.get('camera') as { setScaleBounds(b: [number, number]): void }).setScaleBounds([MIN_SCALE, MAX_SCALE]);
  return p;
}
