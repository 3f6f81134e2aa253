import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { Categories } from '../io/categories';
import { messageOf } from '../io/error-message';
import type { MapView } from '../share/link';
import { createDirectRenderer, type Renderer } from './direct-renderer';
import { nextFrame, whenIdle } from './frame-scheduler';
import { MAX_SCALE, MIN_SCALE, mapKey, wheelCap } from './map-camera';
import { nearestIndexed } from './map-nearest';
import { bareCentre, boundsOf, fitView, framingOf, type Insets } from './map-fit';
import { makeScatterplot, type Scatterplot } from './map-plot';
import { touchGestures } from './map-touch';
import type { Coloring } from './map/coloring';
import { labelColoring, plainColoring } from './map/coloring';
import type { PlaneCoords } from './normalize';
import { PreviewCanvas } from './preview-canvas';
import { buildSpatialIndex, OWN_INDEX_MIN_N } from '../jobs/spatial-index-client';
import { createMapBackground } from './theme';

/** One picture of the map: coordinates already in [-1, 1], and the colouring that goes with them. */
export interface MapFrame extends PlaneCoords {
  categories: Categories | null;
  labelName?: string;
  /** A finished layout (drawn interactively with WebGL) rather than a live preview. */
  final: boolean;
  /** Points from this index on were added to the finished map afterwards: they are drawn larger. */
  added?: number;
}

/** Added points are drawn this much larger than the fitted ones, so they stand out as new. */
const ADDED_POINT_SCALE = 1.8;

/** What the rest of the UI may ask of the map. */
export interface MapControl {
  /** Fit the points into the part of the map no panel covers. */
  resetView(): void;
  view(): MapView | null;
  setView(v: MapView): void;
  /** CSS pixels relative to the map's top-left corner, or null before the interactive map is drawn. */
  screenPosition(i: number): [number, number] | null;
  select(indices: number[]): void;
  deselect(): void;
  setLassoMode(on: boolean): void;
  /** Move the view by fractions of its width and height (keyboard panning). */
  pan(dx: number, dy: number): void;
  /** Zoom about the centre: > 1 zooms in. Kept within the map's zoom bounds. */
  zoom(factor: number): void;
  /** The point drawn nearest the centre of the view, or null with nothing drawn. */
  nearestToCentre(): number | null;
  /** The colour point i is drawn with now (legend filter included), as #rrggbb; null before a draw. */
  pointColor(i: number): string | null;
}

export interface MapStyle {
  /** null: chosen from the number of points. */
  pointSize: number | null;
  opacity: number;
  opacityByDensity: boolean;
}

/** From this many points the map is drawn in regl-scatterplot's performance mode. */
export const PERFORMANCE_MODE_N = 500_000;

export function autoPointSize(n: number): number {
  if (n <= 5_000) return 4;
  if (n <= 50_000) return 2.5;
  return 1.5;
}

export interface ScatterMapProps {
  frame: MapFrame | null;
  /** Defaults to the frame's label categories. */
  coloring?: Coloring;
  style?: MapStyle;
  onHover?(index: number | null): void;
  onSelect?(indices: number[]): void;
  onView?(view: MapView): void;
  /** A click (not a lasso) picked this one point. */
  onPick?(index: number): void;
  /** Enter on the focused map: inspect the point nearest the centre. */
  onInspectKey?(): void;
  /** The interactive map has drawn this frame. */
  onDrawn?(frame: MapFrame): void;
  control?(c: MapControl): void;
}

/**
 * The map. Live previews go to a 2-D canvas (see preview-canvas.ts for why); a finished layout is
 * handed to one long-lived regl-scatterplot instance for pan, zoom, hover and lasso, once the page
 * is idle. Frames that arrive while a WebGL draw is in flight are coalesced to the newest.
 */
export function ScatterMap(props: ScatterMapProps) {
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
  const mapBg = createMapBackground();
  let pending: { frame: MapFrame; coloring: Coloring } | null = null;
  let drawing = false;
  let drawnFrame: MapFrame | null = null;
  // The map's CSS size, as the resize observer last reported it (reading it would force a layout).
  let size = { width: 0, height: 0 };
  let styled: { coloring: Coloring; size: number; opacity: number; density: boolean; marked: boolean } | null = null;

  const coloringOf = (f: MapFrame | null): Coloring => props.coloring ?? (f?.categories ? labelColoring(f.categories, f.labelName) : plainColoring());
  const drawPreview = (f: MapFrame) => {
    const c = coloringOf(f);
    preview?.draw(f, c.codes, c.colors, framingOf(fitOf(f), size.width, size.height));
  };

  onMount(() => {
    const rect = container.getBoundingClientRect();
    size = { width: rect.width, height: rect.height };
    preview = new PreviewCanvas(previewCanvas, rect.width, rect.height);
    preview.setBackground(mapBg());
    try {
      renderer = createDirectRenderer(glCanvas);
      renderer.resize(Math.max(1, rect.width), Math.max(1, rect.height));
      plot = makePlot(false);
    } catch (err) {
      setGlError(`The interactive map needs WebGL, which is not available here (${messageOf(err)}).`);
    }
    // Sizes come from the observer, so drawing never forces a synchronous layout.
    resizeObserver = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      size = { width: box.width, height: box.height };
      preview?.resize(box.width, box.height);
      if (showPreview() && props.frame) drawPreview(props.frame);
      if (renderer) {
        renderer.resize(Math.max(1, box.width), Math.max(1, box.height));
        plot?.redraw();
      }
    });
    resizeObserver.observe(container);
    // Capturing, so the cut event is the only one the camera (listening on the canvas) sees.
    capWheel = wheelCap(canvas);
    container.addEventListener('wheel', capWheel, { capture: true, passive: false });
    stopTouch = touchGestures(container, { view: control.view, setView: (v) => void plot?.zoomToLocation(v.target, v.distance), size: () => size });
    props.control?.(control);
  });

  // The system switched between light and dark: both surfaces take the new background at once.
  createEffect(
    on(
      mapBg,
      (bg) => {
        preview?.setBackground(bg);
        if (showPreview() && props.frame) drawPreview(props.frame);
        void plot?.set({ backgroundColor: bg });
      },
      { defer: true },
    ),
  );

  let performanceMode = false;
  const makePlot = (perf: boolean): Scatterplot => {
    performanceMode = perf;
    return makeScatterplot({
      renderer: renderer!,
      canvas,
      background: mapBg(),
      performanceMode: perf,
      on: {
        hover: (i) => props.onHover?.(i),
        select: (pts) => props.onSelect?.(pts),
        pick: (i) => props.onPick?.(i),
        view: () => {
          const v = control.view();
          if (v) props.onView?.(v);
        },
      },
    });
  };

  /** The bare part of the map: the open panels' insets (registered lengths in panels.css, so computed in px). */
  const insets = (): Insets => {
    const cs = getComputedStyle(container);
    return { left: Number.parseFloat(cs.getPropertyValue('--inset-left')) || 0, right: Number.parseFloat(cs.getPropertyValue('--inset-right')) || 0 };
  };
  /** The camera that fits a frame's points into the bare part of the map. */
  const fitOf = (f: MapFrame): MapView => fitView(boundsOf(f), size.width, size.height, insets());

  const control: MapControl = {
    resetView: () => {
      if (plot && drawnFrame) {
        const v = fitOf(drawnFrame);
        void plot.zoomToLocation(v.target, v.distance);
      }
    },
    view: () => {
      if (!plot) return null;
      const target = plot.get('cameraTarget') as [number, number];
      return { target: [target[0], target[1]], distance: plot.get('cameraDistance') as number };
    },
    setView: (v) => void plot?.set({ cameraTarget: v.target, cameraDistance: v.distance }),
    screenPosition: (i) => {
      if (!plot || !drawnFrame) return null;
      const p = plot.getScreenPosition(i);
      return p ? [p[0], p[1]] : null;
    },
    select: (indices) => void plot?.select(indices),
    deselect: () => void plot?.deselect(),
    setLassoMode: (on) => void plot?.set({ mouseMode: on ? 'lasso' : 'panZoom' }),
    pan: (dx, dy) => {
      const v = control.view();
      if (!v || !plot) return;
      // The view spans 2 × distance in the map's units across its shorter side.
      void plot.set({ cameraTarget: [v.target[0] + dx * 2 * v.distance, v.target[1] + dy * 2 * v.distance] });
    },
    zoom: (factor) => {
      const v = control.view();
      if (!v || !plot) return;
      const d = Math.min(1 / MIN_SCALE, Math.max(1 / MAX_SCALE, v.distance / factor));
      void plot.set({ cameraDistance: d });
    },
    nearestToCentre: () => {
      const v = control.view();
      const index = plot?.get('spatialIndex');
      if (!v || !drawnFrame || !index) return null;
      const [x, y] = bareCentre(v, size.width, size.height, insets());
      return nearestIndexed(index, drawnFrame, x, y);
    },
    pointColor: (i) => {
      const f = drawnFrame;
      const c = shown;
      if (!f || !c || i < 0 || i >= f.x.length) return null;
      return c.colors[c.codes ? c.codes[i]! : 0] ?? null;
    },
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mapKey(e, control, () => props.onInspectKey?.())) e.preventDefault();
  };
  let capWheel: (e: WheelEvent) => void = () => {};
  let stopTouch = () => {};

  onCleanup(() => {
    cancelHandover?.();
    resizeObserver?.disconnect();
    container.removeEventListener('wheel', capWheel, { capture: true });
    stopTouch();
    plot?.destroy();
    renderer?.destroy();
    plot = null;
    renderer = null;
  });

  const drawFrame = async (p0: Scatterplot, f: MapFrame, coloring: Coloring) => {
    let p = p0;
    if (f.x.length >= PERFORMANCE_MODE_N !== performanceMode) {
      p0.destroy();
      p = plot = makePlot(!performanceMode);
      styled = null;
      shown = null;
      drawnFrame = null;
    }
    const st = props.style;
    const size = st?.pointSize ?? autoPointSize(f.x.length);
    const opacity = st?.opacity ?? 0.85;
    const density = st?.opacityByDensity ?? false;
    const marked = f.added !== undefined && f.added < f.x.length;
    if (!styled || styled.coloring !== coloring || styled.size !== size || styled.opacity !== opacity || styled.density !== density || styled.marked !== marked) {
      await p.set({
        colorBy: coloring.codes ? 'category' : null,
        pointColor: coloring.colors,
        pointSize: marked ? [size, size * ADDED_POINT_SCALE] : size,
        sizeBy: marked ? 'valueW' : null,
        opacity: density ? 1 : opacity,
        // Supported at runtime but missing from regl-scatterplot's types.
        opacityBy: (density ? 'density' : null) as null,
      });
      styled = { coloring, size, opacity, density, marked };
    }
    // The points' texture holds positions and colour codes. A new colouring with the codes already
    // drawn (a legend filter, a style change) or with none (plain colour ignores them) only restyles;
    // one with other codes redraws the same positions and keeps their spatial index, so the
    // renderer's hover and lasso never wait for a rebuild of it (at 1M points, a Worker's second or more).
    const same = drawnFrame === f && drawn.marked === marked;
    if (same && (coloring.codes === null || coloring.codes === drawn.codes)) {
      p.redraw();
      shown = coloring;
      return;
    }
    // The fourth value marks added points (size 1 of pointSize); the third is the colour code.
    const codes = coloring.codes ?? (marked ? new Uint16Array(f.x.length) : null);
    const points = marked ? { x: f.x, y: f.y, category: codes!, value: new Uint8Array(f.x.length).fill(1, f.added) } : codes ? { x: f.x, y: f.y, category: codes } : { x: f.x, y: f.y };
    // Redrawing the same points (new colours) keeps the selection.
    const keep = same ? (p.get('selectedPoints') as number[]) : [];
    const spatialIndex = same ? p.get('spatialIndex') : f.x.length >= OWN_INDEX_MIN_N ? await buildSpatialIndex(f.x, f.y) : undefined;
    // Destroyed (a new plot, the map left) while the index was built: nothing to draw into.
    if (p !== plot) return;
    await p.draw(points, { transition: false, zDataType: 'categorical', wDataType: 'categorical', preventFilterReset: true, select: keep, ...(spatialIndex ? { spatialIndex } : {}) });
    drawnFrame = f;
    drawn = { codes, marked };
    shown = coloring;
  };
  /** The colour codes and added-point marks in the drawn points (with drawnFrame's positions). */
  let drawn: { codes: Uint16Array | null; marked: boolean } = { codes: null, marked: false };
  /** The colouring the points are drawn with (pointColor's answer), once drawn, not once asked for. */
  let shown: Coloring | null = null;

  const drawWebGl = async (f: MapFrame) => {
    pending = { frame: f, coloring: coloringOf(f) };
    if (drawing) return;
    drawing = true;
    try {
      while (pending && plot) {
        const next = pending;
        pending = null;
        await drawFrame(plot, next.frame, next.coloring);
        props.onDrawn?.(next.frame);
      }
    } catch (err) {
      setGlError(`Drawing the interactive map failed: ${messageOf(err)}`);
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
    const c = props.coloring;
    // Read so that style changes redraw too.
    void props.style?.pointSize;
    void props.style?.opacity;
    void props.style?.opacityByDensity;
    if (!f) return;
    if (f === drawnFrame && !showPreview()) {
      // Only the colours or style changed on the interactive map: redraw it in place.
      void drawWebGl(f);
      return;
    }
    void c;
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

  return (
    <div
      class="map"
      ref={container}
      classList={{ previewing: showPreview() }}
      tabindex="0"
      role="application"
      aria-label="Map"
      aria-roledescription="interactive map"
      aria-describedby="map-keys-help"
      onKeyDown={onKeyDown}
    >
      <p id="map-keys-help" class="visually-hidden">
        Arrow keys pan, plus and minus zoom, Enter inspects the point nearest the centre, Escape clears the selection and closes the inspector.
      </p>
      <canvas ref={canvas} class="map-canvas" data-testid="map" />
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: these canvases take no focus (no tabindex); the map's named canvas above is the one screen readers get */}
      <canvas ref={glCanvas} class="map-gl" aria-hidden="true" />
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: as above, a drawing surface only */}
      <canvas ref={previewCanvas} class="map-preview" aria-hidden="true" />
      <Show when={!props.frame}>
        <div class="map-empty">Load a file or the digits demo, then press Run.</div>
      </Show>
      <Show when={glError()}>{(msg) => <div class="map-note">{msg()}</div>}</Show>
    </div>
  );
}
