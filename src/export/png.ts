import { drawFigureText, FONT_FAMILY, layoutFigure, type FigureText, type Measure } from './figure';

/** The points of the current view: the same points, colours and camera as the WebGL map. */
export interface ViewPoints {
  x: Float32Array;
  y: Float32Array;
  codes: Uint16Array | null;
  colors: string[];
  /** The map's size on screen, CSS pixels. */
  width: number;
  height: number;
  pointSize: number;
  opacity: number;
  /** Data coordinates to CSS pixels of the map. */
  toScreen: (x: number, y: number) => [number, number];
}

/**
 * The current view as a PNG figure: the map drawn on a 2-D canvas from the same points, colours and
 * camera as the WebGL map (regl-scatterplot's own export reads back the canvas that the direct
 * renderer skips), with the title, legend and footer of `text` around it. `scale`: 1 or 2 pixels per CSS pixel.
 */
export async function renderFigurePng(view: ViewPoints, text: FigureText, scale: number): Promise<Blob> {
  const probe = new OffscreenCanvas(1, 1).getContext('2d');
  if (!probe) throw new Error('This browser cannot draw the PNG (no 2-D canvas).');
  const layout = layoutFigure(view.width, view.height, text, canvasMeasure(probe));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(layout.width * scale)), Math.max(1, Math.round(layout.height * scale)));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the PNG (no 2-D canvas).');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(layout.map.x * scale, layout.map.y * scale, layout.map.width * scale, layout.map.height * scale);
  ctx.clip();
  drawPoints(ctx, view, layout.map.x * scale, layout.map.y * scale, scale);
  ctx.restore();
  drawFigureText(ctx, layout, scale);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Text widths from the canvas's own font metrics, so the layout fits what is drawn. */
export function canvasMeasure(ctx: OffscreenCanvasRenderingContext2D): Measure {
  return (text, px, bold) => {
    ctx.font = `${bold ? '600 ' : ''}${px}px ${FONT_FAMILY}`;
    return ctx.measureText(text).width;
  };
}

function drawPoints(ctx: OffscreenCanvasRenderingContext2D, v: ViewPoints, ox: number, oy: number, scale: number): void {
  ctx.globalAlpha = v.opacity;
  const r = Math.max(0.5, (v.pointSize * scale) / 2);
  // One path per colour: thousands of fill() calls would be far slower than a few.
  const byColor = new Map<number, Path2D>();
  for (let i = 0; i < v.x.length; i++) {
    const [sx, sy] = v.toScreen(v.x[i]!, v.y[i]!);
    if (sx < -r || sy < -r || sx > v.width + r || sy > v.height + r) continue;
    const c = v.codes ? v.codes[i]! : 0;
    let path = byColor.get(c);
    if (!path) {
      path = new Path2D();
      byColor.set(c, path);
    }
    const px = ox + sx * scale;
    const py = oy + sy * scale;
    path.moveTo(px + r, py);
    path.arc(px, py, r, 0, 2 * Math.PI);
  }
  for (const [c, path] of byColor) {
    ctx.fillStyle = v.colors[c] ?? v.colors[0] ?? '#4e79a7';
    ctx.fill(path);
  }
  ctx.globalAlpha = 1;
}
