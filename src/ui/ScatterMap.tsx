import createScatterplot from 'regl-scatterplot';
import { createEffect, createMemo, createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Categories } from '../io/categories';
import { createDirectRenderer, type Renderer } from './direct-renderer';
import { Legend } from './Legend';
import type { PlaneCoords } from './normalize';
import { categoricalPalette, UNLABELLED_COLOR } from './palette';
import { PreviewCanvas } from './preview-canvas';

type Scatterplot = ReturnType<typeof createScatterplot>;

/** One picture of the map: coordinates already in [-1, 1], and the colouring that goes with them. */
export interface MapFrame extends PlaneCoords {
  categories: Categories | null;
  labelName?: string;
  /** A finished layout (drawn interactively with WebGL) rather than a live preview. */
  final: boolean;
}

function pointSizeFor(n: number): number {
  if (n <= 5_000) return 4;
  if (n <= 50_000) return 2.5;
  return 1.5;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 500 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 50);
  return () => clearTimeout(id);
}

function colorsFor(categories: Categories | null): string[] {
  return categories ? categoricalPalette(categories.names.length) : [UNLABELLED_COLOR];
}

/**
 * The map. Live previews go to a 2-D canvas (see preview-canvas.ts for why); a finished layout is
 * handed to one long-lived regl-scatterplot instance for pan, zoom and hover, once the page is idle.
 * Frames that arrive while a WebGL draw is in flight are coalesced to the newest.
 */
export function ScatterMap(props: { frame: MapFrame | null }) {
  let container!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  let glCanvas!: HTMLCanvasElement;
  let previewCanvas!: HTMLCanvasElement;
  let preview: PreviewCanvas | null = null;
  let plot: Scatterplot | null = null;
  let renderer: Renderer | null = null;
  let resizeObserver: ResizeObserver | null = null;
  let cancelHandover: (() => void) | null = null;
  const [showPreview, setShowPreview] = createSignal(false);
  const [glError, setGlError] = createSignal<string | null>(null);
  let pending: MapFrame | null = null;
  let drawing = false;
  let styled: { categories: Categories | null; size: number } | null = null;

  const drawPreview = (f: MapFrame) => preview?.draw(f, f.categories?.codes ?? null, colorsFor(f.categories));

  onMount(() => {
    const rect = container.getBoundingClientRect();
    preview = new PreviewCanvas(previewCanvas, rect.width, rect.height);
    try {
      renderer = createDirectRenderer(glCanvas);
      renderer.resize(Math.max(1, rect.width), Math.max(1, rect.height));
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
    } catch (err) {
      setGlError(`The interactive map needs WebGL, which is not available here (${err instanceof Error ? err.message : String(err)}).`);
    }
    // Sizes come from the observer, so drawing never forces a synchronous layout.
    resizeObserver = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      preview?.resize(box.width, box.height);
      if (showPreview() && props.frame) drawPreview(props.frame);
      if (renderer) {
        renderer.resize(Math.max(1, box.width), Math.max(1, box.height));
        plot?.redraw();
      }
    });
    resizeObserver.observe(container);
  });

  onCleanup(() => {
    cancelHandover?.();
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
        pointColor: colorsFor(f.categories),
        pointSize: size,
      });
      styled = { categories: f.categories, size };
    }
    const points = f.categories ? { x: f.x, y: f.y, category: f.categories.codes } : { x: f.x, y: f.y };
    await p.draw(points, { transition: false, zDataType: 'categorical' });
  };

  const drawWebGl = async (f: MapFrame) => {
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
      setGlError(`Drawing the interactive map failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      drawing = false;
    }
  };

  // Drawing waits for the next animation frame: the task that delivers a frame (a worker message,
  // the job's result) stays short, and several frames within one refresh cost one draw.
  let previewFrame: number | null = null;
  onCleanup(() => {
    if (previewFrame !== null) cancelAnimationFrame(previewFrame);
  });

  createEffect(() => {
    const f = props.frame;
    if (!f) return;
    cancelHandover?.();
    cancelHandover = null;
    if (previewFrame !== null) cancelAnimationFrame(previewFrame);
    previewFrame = requestAnimationFrame(() => {
      previewFrame = null;
      drawPreview(f);
      setShowPreview(true);
      if (f.final && plot) handOver(f);
    });
  });

  /** Give a finished layout to the WebGL map once the page is idle, then uncover it. */
  const handOver = (f: MapFrame) => {
    cancelHandover = whenIdle(() => {
      cancelHandover = null;
      void drawWebGl(f).then(async () => {
        // Let the WebGL frame reach the screen before uncovering it.
        await nextFrame();
        await nextFrame();
        if (props.frame === f && !pending && !glError()) setShowPreview(false);
      });
    });
  };

  const legendColors = createMemo(() => colorsFor(props.frame?.categories ?? null));

  return (
    <div class="map" ref={container} classList={{ previewing: showPreview() }}>
      <canvas ref={canvas} class="map-canvas" data-testid="map" />
      <canvas ref={glCanvas} class="map-gl" aria-hidden="true" />
      <canvas ref={previewCanvas} class="map-preview" aria-hidden="true" />
      <Show when={!props.frame}>
        <div class="map-empty">Load a file or the digits demo, then press Run.</div>
      </Show>
      <Show when={glError()}>{(msg) => <div class="map-note">{msg()}</div>}</Show>
      <Show when={props.frame?.categories}>{(cats) => <Legend title={props.frame?.labelName} categories={cats()} colors={legendColors()} />}</Show>
    </div>
  );
}
