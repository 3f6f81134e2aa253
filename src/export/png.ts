/**
 * The current view as a PNG, drawn on a 2-D canvas from the same points, colours and camera as the
 * WebGL map. (regl-scatterplot's own export reads back the canvas that the direct renderer skips.)
 * toScreen maps data coordinates to CSS pixels of the map.
 */
export async function renderViewPng(opts: {
  x: Float32Array;
  y: Float32Array;
  codes: Uint16Array | null;
  colors: string[];
  width: number;
  height: number;
  pointSize: number;
  opacity: number;
  toScreen: (x: number, y: number) => [number, number];
  scale?: number;
}): Promise<Blob> {
  const scale = opts.scale ?? 2;
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(opts.width * scale)), Math.max(1, Math.round(opts.height * scale)));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the PNG (no 2-D canvas).');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = opts.opacity;
  const r = Math.max(0.5, (opts.pointSize * scale) / 2);
  // One path per colour: thousands of fill() calls would be far slower than a few.
  const byColor = new Map<number, Path2D>();
  for (let i = 0; i < opts.x.length; i++) {
    const [sx, sy] = opts.toScreen(opts.x[i]!, opts.y[i]!);
    if (sx < -r || sy < -r || sx > opts.width + r || sy > opts.height + r) continue;
    const c = opts.codes ? opts.codes[i]! : 0;
    let path = byColor.get(c);
    if (!path) {
      path = new Path2D();
      byColor.set(c, path);
    }
    path.moveTo(sx * scale + r, sy * scale);
    path.arc(sx * scale, sy * scale, r, 0, 2 * Math.PI);
  }
  for (const [c, path] of byColor) {
    ctx.fillStyle = opts.colors[c] ?? opts.colors[0] ?? '#4e79a7';
    ctx.fill(path);
  }
  return canvas.convertToBlob({ type: 'image/png' });
}
