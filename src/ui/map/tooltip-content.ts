import type { MetaColumn } from '../../io/dataset';
import { cellText } from './coloring';
import type { BatchInfo } from '../store/map-batch-file';
import type { TooltipContent } from './Tooltip';

/** Tooltips show at most this many metadata columns. */
const TOOLTIP_COLUMNS = 12;

/**
 * Point i's cluster and first metadata cells, and for an added point its batch; null when nothing
 * is hovered (or i is stale).
 */
export function tooltipContent(i: number | null, n: number, clusters: Int32Array | null, meta: MetaColumn[], batches: BatchInfo | null = null): TooltipContent | null {
  if (i === null || i >= n) return null;
  const rows: [string, string][] = [];
  const b = batches && batches.of.length === n ? batches.of[i]! : 0;
  if (b > 0) {
    // Added points are numbered within their batch, which is how the user's file numbers them.
    const first = batches!.of.indexOf(b);
    return { title: `point ${i - first + 1} of ${batches!.names[b]}`, note: `added in batch ${batches!.names[b]}`, rows: withCells(rows, i, clusters, n, meta) };
  }
  return { title: `row ${i + 1}`, rows: withCells(rows, i, clusters, n, meta) };
}

function withCells(rows: [string, string][], i: number, clusters: Int32Array | null, n: number, meta: MetaColumn[]): [string, string][] {
  if (clusters && clusters.length === n) rows.push(['cluster', clusters[i]! < 0 ? 'noise' : String(clusters[i])]);
  for (const col of meta.slice(0, TOOLTIP_COLUMNS)) rows.push([col.name, cellText(col, i)]);
  return rows;
}
