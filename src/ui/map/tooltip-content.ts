import type { MetaColumn } from '../../io/dataset';
import { cellText } from './coloring';
import type { TooltipContent } from './Tooltip';

/** Tooltips show at most this many metadata columns. */
const TOOLTIP_COLUMNS = 12;

/** Point i's cluster and first metadata cells; null when nothing is hovered (or i is stale). */
export function tooltipContent(i: number | null, n: number, clusters: Int32Array | null, meta: MetaColumn[]): TooltipContent | null {
  if (i === null || i >= n) return null;
  const rows: [string, string][] = [];
  if (clusters && clusters.length === n) rows.push(['cluster', clusters[i]! < 0 ? 'noise' : String(clusters[i])]);
  for (const col of meta.slice(0, TOOLTIP_COLUMNS)) rows.push([col.name, cellText(col, i)]);
  return { title: `row ${i + 1}`, rows };
}
