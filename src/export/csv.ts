import { columnNames, rowCount, rowIndex, validateTable, type ExportTable } from './table';

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV text in pieces of about 1 MB, so a million rows never become one giant string. Float32
 * coordinates are written with the shortest decimal that reads back to the same float32.
 */
export function toCsvParts(t: ExportTable): string[] {
  validateTable(t);
  const parts: string[] = [];
  let buf = columnNames(t).map(field).join(',') + '\n';
  const n = rowCount(t);
  const k = t.nComponents;
  const cells: string[] = [];
  for (let r = 0; r < n; r++) {
    const i = rowIndex(t, r);
    cells.length = 0;
    for (let c = 0; c < k; c++) cells.push(float32Text(t.coords[i * k + c]!));
    if (t.clusters) cells.push(String(t.clusters[i]!));
    if (t.batch) cells.push(String(t.batch[i]!));
    for (const m of t.meta) cells.push(cellText(m.values[i]));
    if (t.id) cells.push(cellText(t.id.values[i]));
    buf += cells.join(',') + '\n';
    if (buf.length > 1 << 20) {
      parts.push(buf);
      buf = '';
    }
  }
  parts.push(buf);
  return parts;
}

/** A metadata or id cell: numbers as written by String (NaN empty), text quoted when it must be. */
function cellText(v: number | string | undefined): string {
  return typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : field(v ?? '');
}

const f32 = new Float32Array(1);

/** The shortest decimal text that parses back to exactly this float32 value. */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 6; p < 10; p++) {
    const s = v.toPrecision(p);
    f32[0] = Number(s);
    if (f32[0] === v) return String(Number(s));
  }
  return String(v);
}
