import type { MetaColumn } from '../../io/dataset';
import { cellText } from './coloring';
import type { BatchInfo } from '../store/map-batch-file';
import type { TooltipContent } from './Tooltip';

/** Tooltips show at most this many metadata columns besides the label; the inspector has them all. */
const TOOLTIP_COLUMNS = 6;

/** Where each batch's points start, per batch array: found once, as hovering asks on every point. */
const batchStarts = new WeakMap<Uint16Array, Map<number, number>>();

function batchStart(of: Uint16Array, b: number): number {
  let starts = batchStarts.get(of);
  if (!starts) {
    starts = new Map();
    for (let i = 0; i < of.length; i++) if ((i === 0 || of[i] !== of[i - 1]) && !starts.has(of[i]!)) starts.set(of[i]!, i);
    batchStarts.set(of, starts);
  }
  return starts.get(b) ?? 0;
}

/** How a point is named: its row, or for an added point its place in its batch (as the user's file numbers it). */
export function pointTitle(i: number, n: number, batches: BatchInfo | null): string {
  const b = batches && batches.of.length === n ? batches.of[i]! : 0;
  if (b > 0) return `point ${i - batchStart(batches!.of, b) + 1} of ${batches!.names[b]}`;
  return `row ${i + 1}`;
}

/**
 * Point i's cluster, label, batch and first metadata cells; null when nothing is hovered (or i is
 * stale). `labelName`: the label column, listed right after the cluster.
 */
export function tooltipContent(i: number | null, n: number, clusters: Int32Array | null, meta: MetaColumn[], batches: BatchInfo | null = null, labelName?: string): TooltipContent | null {
  if (i === null || i >= n) return null;
  const rows: [string, string][] = [];
  if (clusters && clusters.length === n) rows.push(['cluster', clusters[i]! < 0 ? 'noise' : String(clusters[i])]);
  const label = labelName === undefined ? undefined : meta.find((c) => c.name === labelName);
  if (label) rows.push([label.name, cellText(label, i)]);
  const b = batches && batches.of.length === n ? batches.of[i]! : -1;
  if (b >= 0) rows.push(['batch', batches!.names[b]!]);
  const rest = meta.filter((c) => c !== label);
  for (const col of rest.slice(0, TOOLTIP_COLUMNS)) rows.push([col.name, cellText(col, i)]);
  const more = rest.length - TOOLTIP_COLUMNS;
  const content: TooltipContent = { title: pointTitle(i, n, batches), rows };
  if (b > 0) content.note = `added in batch ${batches!.names[b]}`;
  if (more > 0) content.more = `${more} more column${more === 1 ? '' : 's'}: click the point to inspect it`;
  return content;
}
