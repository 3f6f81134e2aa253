import createScatterplot from 'regl-scatterplot';
import { createDirectRenderer, matchSize, type Renderer } from './direct-renderer';
import { createEffect, createMemo, createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Categories } from '../io/categories';
import { Legend } from './Legend';
import { categoricalPalette, UNLABELLED_COLOR } from './palette';
import type { PlaneCoords } from './normalize';

type Scatterplot = ReturnType<typeof createScatterplot>;

/** One picture of the map: coordinates already in [-1, 1], and the colouring that goes with them. */
export interface MapFrame extends PlaneCoords {
  categories: Categories | null;
  labelName?: string;
}

function pointSizeFor(n: number): number {
  if (n <= 5_000) return 4;
  if (n <= 50_000) return 2.5;
  return 1.5;
}

/**
 * The map. One regl-scatterplot instance lives as long as the component; frames (live previews,
 * then the result) replace its points. Frames that arrive while a draw is in flight are coalesced
 * to the newest, so a fast layout never queues up redundant GPU uploads.
 */
export function ScatterMap(props: { frame: MapFrame | null }) {
  let canvas!: HTMLCanvasElement;
  let glCanvas!: HTMLCanvasElement;
  let plot: Scatterplot | null = null;
  let renderer: Renderer | null = null;
  let resizeObserver: ResizeObserver | null = null;
  const [glError, setGlError] = createSignal<string | null>(null);
  let pending: MapFrame | null = null;
  let drawing = false;
  let styled: { categories: Categories | null; size: number } | null = null;

  onMount(() => {
    try {
      renderer = createDirectRenderer(glCanvas);
      matchSize(renderer, canvas);
      plot = createScatterplot({
        renderer,
        canvas,
        width: 'auto',
        height: 'auto',
        backgroundColor: '#ffffff',
        pointColor: UNLABELLED_COLOR,
        pointSize: 4,
        opacity: 0.85,
        lassoInitiator: false,
      });
      const r = renderer;
      resizeObserver = new ResizeObserver(() => {
        matchSize(r, canvas);
        plot?.redraw();
      });
      resizeObserver.observe(canvas);
    } catch (err) {
      setGlError(`The map needs WebGL, which is not available here (${err instanceof Error ? err.message : String(err)}).`);
    }
  });
  onCleanup(() => {
    resizeObserver?.disconnect();
    plot?.destroy();
    renderer?.destroy();
    plot = null;
    renderer = null;
  });

  const drawFrame = async (p: Scatterplot, f: MapFrame) => {
    const size = pointSizeFor(f.x.length);
    if (!styled || styled.categories !== f.categories || styled.size !== size) {
      await p.set({
        colorBy: f.categories ? 'category' : null,
        pointColor: f.categories ? categoricalPalette(f.categories.names.length) : UNLABELLED_COLOR,
        pointSize: size,
      });
      styled = { categories: f.categories, size };
    }
    const points = f.categories ? { x: f.x, y: f.y, category: f.categories.codes } : { x: f.x, y: f.y };
    await p.draw(points, { transition: false, zDataType: 'categorical' });
  };

  const schedule = async (f: MapFrame) => {
    pending = f;
    if (drawing) return;
    drawing = true;
    try {
      while (pending && plot) {
        const next = pending;
        pending = null;
        await drawFrame(plot, next);
      }
    } catch (err) {
      setGlError(`Drawing the map failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      drawing = false;
    }
  };

  createEffect(() => {
    const f = props.frame;
    if (f) void schedule(f);
  });

  const legendColors = createMemo(() => {
    const c = props.frame?.categories;
    return c ? categoricalPalette(c.names.length) : [];
  });

  return (
    <div class="map">
      <canvas ref={canvas} class="map-canvas" data-testid="map" />
      <canvas ref={glCanvas} class="map-gl" aria-hidden="true" />
      <Show when={!props.frame}>
        <div class="map-empty">Load a file or the digits demo, then press Run.</div>
      </Show>
      <Show when={glError()}>{(msg) => <div class="map-empty">{msg()}</div>}</Show>
      <Show when={props.frame?.categories}>{(cats) => <Legend title={props.frame?.labelName} categories={cats()} colors={legendColors()} />}</Show>
    </div>
  );
}
