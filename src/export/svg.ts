// The current view as an SVG figure: points as circles, the title, legend and footer as text, laid
// out as the PNG is. A big map would make a file no editor opens, so points that fall on the same
// spot (a quarter of a point's radius) in the same colour are drawn once, and past SVG_MAX_POINTS
// circles an even sample of them is kept; the footer says so.
import { FONT_FAMILY, FOOTER_PX, LEGEND_TITLE_PX, layoutFigure, ROW_PX, SWATCH, TITLE_PX, type FigureText, type Measure } from './figure';
import type { ViewPoints } from './png';

export const SVG_MAX_POINTS = 100_000;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => String(Math.round(v * 100) / 100);

export interface SvgFigure {
  parts: string[];
  /** Points inside the view, and circles written. */
  visible: number;
  circles: number;
}

/** `record`: the reproducibility record's JSON, kept in the file's <metadata>. */
export function renderFigureSvg(view: ViewPoints, text: FigureText, measure: Measure, record?: string): SvgFigure {
  const r = Math.max(0.5, view.pointSize / 2);
  // Circles per colour, one per occupied cell of a grid a quarter of a radius wide.
  const cell = Math.max(0.25, r / 4);
  const byColor = new Map<number, number[]>();
  const seen = new Set<number>();
  const cols = Math.ceil(view.width / cell) + 2;
  let visible = 0;
  let circles = 0;
  for (let i = 0; i < view.x.length; i++) {
    const [sx, sy] = view.toScreen(view.x[i]!, view.y[i]!);
    if (sx < -r || sy < -r || sx > view.width + r || sy > view.height + r) continue;
    visible++;
    const c = view.codes ? view.codes[i]! : 0;
    const key = (Math.floor(sy / cell + 1) * cols + Math.floor(sx / cell + 1)) * 65536 + c;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byColor.get(c);
    if (list) list.push(sx, sy);
    else byColor.set(c, [sx, sy]);
    circles++;
  }
  // Keep every k-th circle of each colour, so every colour stays in proportion.
  const stride = circles > SVG_MAX_POINTS ? circles / SVG_MAX_POINTS : 1;
  let written = 0;
  const notes: string[] = [];
  if (circles < visible) notes.push(`${(visible - circles).toLocaleString('en-US')} overlapping points merged`);
  if (stride > 1) notes.push(`${Math.floor(circles / stride).toLocaleString('en-US')} of ${circles.toLocaleString('en-US')} circles kept (even sample)`);
  const footer = notes.length ? `${text.footer} · SVG: ${notes.join(', ')}` : text.footer;
  const l = layoutFigure(view.width, view.height, { ...text, footer }, measure);
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${num(l.width)}" height="${num(l.height)}" viewBox="0 0 ${num(l.width)} ${num(l.height)}" font-family="${esc(FONT_FAMILY)}">\n`,
  ];
  if (record) parts.push(`<metadata id="mapstream-record">${esc(record)}</metadata>\n`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>\n`);
  parts.push(`<clipPath id="map-clip"><rect x="${num(l.map.x)}" y="${num(l.map.y)}" width="${num(l.map.width)}" height="${num(l.map.height)}"/></clipPath>\n`);
  parts.push(`<g id="points" clip-path="url(#map-clip)" transform="translate(${num(l.map.x)} ${num(l.map.y)})" fill-opacity="${num(view.opacity)}">\n`);
  for (const [c, list] of byColor) {
    const color = view.colors[c] ?? view.colors[0] ?? '#4e79a7';
    let buf = `<g fill="${esc(color)}">`;
    for (let p = 0, j = 0; p < list.length; p += 2, j++) {
      if (stride > 1 && Math.floor(j / stride) === Math.floor((j - 1) / stride) && j > 0) continue;
      buf += `<circle cx="${num(list[p]!)}" cy="${num(list[p + 1]!)}" r="${num(r)}"/>`;
      written++;
      if (buf.length > 1 << 20) {
        parts.push(buf);
        buf = '';
      }
    }
    parts.push(`${buf}</g>\n`);
  }
  parts.push('</g>\n');
  if (l.title) parts.push(`<text x="${num(l.title.x)}" y="${num(l.title.y)}" font-size="${TITLE_PX}" font-weight="600" fill="#111111">${esc(l.title.text)}</text>\n`);
  const g = l.legend;
  if (g) {
    parts.push(`<g id="legend" font-size="${ROW_PX}">\n`);
    parts.push(`<line x1="${num(g.x + 0.5)}" y1="${num(g.y)}" x2="${num(g.x + 0.5)}" y2="${num(g.y + Math.max(g.height, l.map.height))}" stroke="#dddddd"/>\n`);
    parts.push(`<text x="${num(g.title.x)}" y="${num(g.title.y)}" font-size="${LEGEND_TITLE_PX}" font-weight="600" fill="#111111">${esc(g.title.text)}</text>\n`);
    for (const row of g.rows) {
      parts.push(
        `<rect x="${num(g.swatchX)}" y="${num(row.y - SWATCH)}" width="${SWATCH}" height="${SWATCH}" fill="${esc(row.color)}"/>` +
          `<text x="${num(g.swatchX + SWATCH + 6)}" y="${num(row.y)}" fill="#111111">${esc(row.name)}</text>` +
          `<text x="${num(g.countX)}" y="${num(row.y)}" text-anchor="end" fill="#555555">${esc(row.count)}</text>\n`,
      );
    }
    if (g.more) parts.push(`<text x="${num(g.swatchX)}" y="${num(g.more.y)}" fill="#555555">${esc(g.more.text)}</text>\n`);
    if (g.bar) {
      const b = g.bar;
      const stops = b.colors.map((c, i) => `<stop offset="${b.colors.length === 1 ? 0 : num(i / (b.colors.length - 1))}" stop-color="${esc(c)}"/>`).join('');
      parts.push(`<linearGradient id="legend-bar">${stops}</linearGradient>`);
      parts.push(`<rect x="${num(b.x)}" y="${num(b.y)}" width="${b.width}" height="${b.height}" fill="url(#legend-bar)"/>`);
      parts.push(`<text x="${num(b.x)}" y="${num(b.y + b.height + ROW_PX + 2)}" fill="#111111">${esc(b.min)}</text>`);
      parts.push(`<text x="${num(b.x + b.width)}" y="${num(b.y + b.height + ROW_PX + 2)}" text-anchor="end" fill="#111111">${esc(b.max)}</text>\n`);
    }
    parts.push('</g>\n');
  }
  parts.push(`<text x="${num(l.footer.x)}" y="${num(l.footer.y)}" font-size="${FOOTER_PX}" fill="#666666">${esc(l.footer.text)}</text>\n</svg>\n`);
  return { parts, visible, circles: written };
}
