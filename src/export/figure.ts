// A map exported as a figure that stands alone: an optional title above, the map, its legend (colour
// key with counts, or a colour bar) on the right, and a footer naming the tool, the number of points
// and the parameters. The layout is computed here once, in CSS pixels, for both the PNG and the SVG.

type FigureLegend =
  | { kind: 'categorical'; title: string; names: string[]; counts: number[]; colors: string[] }
  | { kind: 'numeric'; title: string; min: number; max: number; colors: string[] };

export interface FigureText {
  /** Drawn above the map when not empty. */
  title: string;
  legend: FigureLegend | null;
  footer: string;
}

/** Text width in CSS pixels of `text` at font size `px` (canvas measureText in the browser). */
export type Measure = (text: string, px: number, bold: boolean) => number;

interface LegendRow {
  name: string;
  count: string;
  color: string;
  /** Baseline of the row's text. */
  y: number;
}

export interface FigureLayout {
  width: number;
  height: number;
  /** Where the map's own image goes. */
  map: { x: number; y: number; width: number; height: number };
  title: { x: number; y: number; text: string } | null;
  legend: {
    x: number;
    y: number;
    width: number;
    height: number;
    title: { x: number; y: number; text: string };
    rows: LegendRow[];
    /** "… 12 more (1,234 points)" when the rows do not all fit beside the map. */
    more: { y: number; text: string } | null;
    bar: { x: number; y: number; width: number; height: number; min: string; max: string; colors: string[] } | null;
    swatchX: number;
    countX: number;
  } | null;
  footer: { x: number; y: number; text: string };
}

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const TITLE_PX = 18;
export const LEGEND_TITLE_PX = 13;
export const ROW_PX = 12;
export const FOOTER_PX = 11;
export const SWATCH = 10;
const PAD = 14;
const ROW_H = 18;
const NAME_MAX = 220;
const BAR_W = 160;

const count = (v: number) => v.toLocaleString('en-US');

/** Cut `text` with an ellipsis so it is at most `max` wide. */
function clipText(text: string, max: number, px: number, measure: Measure): string {
  if (measure(text, px, false) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid)}…`, px, false) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** The figure around a map image of mapW × mapH CSS pixels. */
export function layoutFigure(mapW: number, mapH: number, text: FigureText, measure: Measure): FigureLayout {
  const title = text.title.trim();
  const titleBand = title ? Math.round(TITLE_PX * 1.4 + PAD) : 0;
  const map = { x: 0, y: titleBand, width: mapW, height: mapH };
  const footerBand = Math.round(FOOTER_PX * 1.4 + PAD);
  let legend: FigureLayout['legend'] = null;
  let width = mapW;
  const spec = text.legend;
  if (spec) {
    const x = mapW;
    const top = titleBand + PAD;
    const legendTitle = clipText(spec.title, NAME_MAX + 60, LEGEND_TITLE_PX, measure);
    let inner = measure(legendTitle, LEGEND_TITLE_PX, true);
    const rows: LegendRow[] = [];
    let more: { y: number; text: string } | null = null;
    let bar: NonNullable<FigureLayout['legend']>['bar'] = null;
    let y = top + LEGEND_TITLE_PX;
    let nameW = 0;
    let countW = 0;
    if (spec.kind === 'categorical') {
      // As many rows as fit beside the map (at least a few: a tall legend just grows the figure).
      const room = Math.max(4, Math.floor((mapH - PAD * 2 - LEGEND_TITLE_PX - 6) / ROW_H));
      const shown = spec.names.length <= room ? spec.names.length : room - 1;
      for (let i = 0; i < shown; i++) {
        const name = clipText(spec.names[i] === '' ? '(empty)' : spec.names[i]!, NAME_MAX, ROW_PX, measure);
        const c = count(spec.counts[i] ?? 0);
        nameW = Math.max(nameW, measure(name, ROW_PX, false));
        countW = Math.max(countW, measure(c, ROW_PX, false));
        y += ROW_H;
        rows.push({ name, count: c, color: spec.colors[i] ?? '#888888', y });
      }
      if (shown < spec.names.length) {
        let rest = 0;
        for (let i = shown; i < spec.names.length; i++) rest += spec.counts[i] ?? 0;
        y += ROW_H;
        more = { y, text: `… ${count(spec.names.length - shown)} more (${count(rest)} points)` };
        inner = Math.max(inner, measure(more.text, ROW_PX, false));
      }
      inner = Math.max(inner, SWATCH + 6 + nameW + 12 + countW);
    } else {
      const min = Number.isFinite(spec.min) ? Number(spec.min.toPrecision(4)).toString() : '–';
      const max = Number.isFinite(spec.max) ? Number(spec.max.toPrecision(4)).toString() : '–';
      bar = { x: x + PAD, y: y + 8, width: BAR_W, height: 12, min, max, colors: spec.colors };
      y += 8 + 12 + ROW_PX + 6;
      inner = Math.max(inner, BAR_W);
    }
    const w = Math.ceil(inner + PAD * 2);
    legend = {
      x,
      y: titleBand,
      width: w,
      height: y - titleBand + PAD,
      title: { x: x + PAD, y: top + LEGEND_TITLE_PX * 0.8, text: legendTitle },
      rows,
      more,
      bar,
      swatchX: x + PAD,
      countX: x + PAD + SWATCH + 6 + nameW + 12 + countW,
    };
    width += w;
  }
  const body = Math.max(mapH, legend ? legend.height : 0);
  const height = titleBand + body + footerBand;
  return {
    width,
    height,
    map,
    title: title ? { x: PAD, y: PAD + TITLE_PX * 0.9, text: clipText(title, Math.max(40, width - 2 * PAD), TITLE_PX, measure) } : null,
    legend,
    footer: { x: PAD, y: titleBand + body + PAD / 2 + FOOTER_PX, text: text.footer },
  };
}

/** The footer line: "mapstream · 1,797 points · nn 15 · md 0.1" (the parameters the map has). */
export function figureFooter(n: number, params: Record<string, unknown>): string {
  const parts = ['mapstream', `${count(n)} points`];
  const nn = params.nNeighbors ?? params.n_neighbors;
  const md = params.minDist ?? params.min_dist;
  if (nn !== undefined && nn !== '') parts.push(`nn ${String(nn)}`);
  if (md !== undefined && md !== '') parts.push(`md ${String(md)}`);
  const metric = params.metric;
  if (typeof metric === 'string' && metric !== 'euclidean') parts.push(metric);
  return parts.join(' · ');
}

/** The title, legend and footer on a 2-D canvas whose map region is already drawn; `scale` px per CSS px. */
export function drawFigureText(ctx: OffscreenCanvasRenderingContext2D, l: FigureLayout, scale: number): void {
  const font = (px: number, bold = false) => `${bold ? '600 ' : ''}${px * scale}px ${FONT_FAMILY}`;
  ctx.globalAlpha = 1;
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = '#111111';
  if (l.title) {
    ctx.font = font(TITLE_PX, true);
    ctx.fillText(l.title.text, l.title.x * scale, l.title.y * scale);
  }
  const g = l.legend;
  if (g) {
    ctx.strokeStyle = '#dddddd';
    ctx.lineWidth = scale;
    ctx.beginPath();
    ctx.moveTo(g.x * scale + 0.5, g.y * scale);
    ctx.lineTo(g.x * scale + 0.5, (g.y + Math.max(g.height, l.map.height)) * scale);
    ctx.stroke();
    ctx.fillStyle = '#111111';
    ctx.font = font(LEGEND_TITLE_PX, true);
    ctx.fillText(g.title.text, g.title.x * scale, g.title.y * scale);
    ctx.font = font(ROW_PX);
    for (const r of g.rows) {
      ctx.fillStyle = r.color;
      ctx.fillRect(g.swatchX * scale, (r.y - SWATCH) * scale, SWATCH * scale, SWATCH * scale);
      ctx.fillStyle = '#111111';
      ctx.textAlign = 'left';
      ctx.fillText(r.name, (g.swatchX + SWATCH + 6) * scale, r.y * scale);
      ctx.textAlign = 'right';
      ctx.fillStyle = '#555555';
      ctx.fillText(r.count, g.countX * scale, r.y * scale);
    }
    ctx.textAlign = 'left';
    if (g.more) {
      ctx.fillStyle = '#555555';
      ctx.fillText(g.more.text, g.swatchX * scale, g.more.y * scale);
    }
    if (g.bar) {
      const b = g.bar;
      const grad = ctx.createLinearGradient(b.x * scale, 0, (b.x + b.width) * scale, 0);
      for (let i = 0; i < b.colors.length; i++) grad.addColorStop(b.colors.length === 1 ? 0 : i / (b.colors.length - 1), b.colors[i]!);
      ctx.fillStyle = grad;
      ctx.fillRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
      ctx.fillStyle = '#111111';
      ctx.fillText(b.min, b.x * scale, (b.y + b.height + ROW_PX + 2) * scale);
      ctx.textAlign = 'right';
      ctx.fillText(b.max, (b.x + b.width) * scale, (b.y + b.height + ROW_PX + 2) * scale);
      ctx.textAlign = 'left';
    }
  }
  ctx.fillStyle = '#666666';
  ctx.font = font(FOOTER_PX);
  ctx.fillText(l.footer.text, l.footer.x * scale, l.footer.y * scale);
}
