import type { Framing } from './map-fit';
import type { PlaneCoords } from './normalize';

/**
 * Live previews while a layout runs, drawn with plain pixel writes on a 2-D canvas.
 *
 * Rendering a WebGL frame blocks the main thread until the GPU has finished it; on software GL
 * (no GPU, VMs, headless CI) that is 100–300 ms per frame, so redrawing the regl-scatterplot map
 * every few epochs would freeze the page for the whole run. Writing a few thousand (or hundred
 * thousand) points into an ImageData costs milliseconds anywhere. The interactive WebGL map takes
 * over once the run is finished.
 */
export class PreviewCanvas {
  private image: ImageData | null = null;
  private pixels: Uint32Array | null = null;

  private ctx: CanvasRenderingContext2D | null;
  /** Packed like the points' colours; the page theme's map background (see theme.ts). */
  private background = 0xffffffff;

  /** cssWidth/cssHeight: the canvas's layout size, kept current through resize() by the owner. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private cssWidth: number,
    private cssHeight: number,
  ) {
    // A CPU-backed canvas: putImageData is then a memory copy rather than a GPU upload.
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
  }

  /** '#rrggbb': takes effect from the next draw. */
  setBackground(color: string): void {
    this.background = packRgba(color);
  }

  resize(cssWidth: number, cssHeight: number): void {
    this.cssWidth = cssWidth;
    this.cssHeight = cssHeight;
    this.ensureBuffer();
  }

  /** Size the canvas and its pixel buffer; done on resize so the first preview of a run is as cheap as the rest. */
  private ensureBuffer(): boolean {
    const ctx = this.ctx;
    if (!ctx) return false;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.floor(this.cssWidth * dpr));
    const h = Math.max(1, Math.floor(this.cssHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h || !this.image) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = ctx.createImageData(w, h);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    return true;
  }

  /** colors are '#rrggbb'; codes index them (or every point takes colors[0]); `at` in CSS pixels, as the WebGL map's camera would put them. */
  draw(coords: PlaneCoords, codes: Uint16Array | null, colors: string[], at: Framing): void {
    if (!this.ensureBuffer()) return;
    const ctx = this.ctx!;
    const w = this.canvas.width;
    const h = this.canvas.height;
    const dpr = window.devicePixelRatio || 1;
    const px = this.pixels!;
    px.fill(this.background);
    const packed = colors.map(packRgba);
    const n = coords.x.length;
    const scale = at.s * dpr;
    const cx = at.x0 * dpr;
    const cy = at.y0 * dpr;
    const r = Math.max(1, Math.round((n <= 5_000 ? 2 : n <= 50_000 ? 1.25 : 0.75) * dpr));
    const { x, y } = coords;
    for (let i = 0; i < n; i++) {
      const color = packed[codes ? codes[i]! : 0] ?? packed[0]!;
      const pxX = Math.round(cx + x[i]! * scale);
      const pxY = Math.round(cy - y[i]! * scale);
      const x0 = Math.max(0, pxX - r + 1);
      const x1 = Math.min(w - 1, pxX + r - 1);
      const y0 = Math.max(0, pxY - r + 1);
      const y1 = Math.min(h - 1, pxY + r - 1);
      for (let yy = y0; yy <= y1; yy++) {
        const row = yy * w;
        for (let xx = x0; xx <= x1; xx++) px[row + xx] = color;
      }
    }
    ctx.putImageData(this.image!, 0, 0);
  }
}

/** '#rrggbb' → little-endian RGBA as one Uint32 (ImageData is RGBA bytes). */
function packRgba(hex: string): number {
  const v = Number.parseInt(hex.slice(1, 7), 16);
  const r = (v >> 16) & 0xff;
  const g = (v >> 8) & 0xff;
  const b = v & 0xff;
  return ((0xff << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
