export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return `${m} min ${String(rest).padStart(2, '0')} s`;
}

export function formatCount(v: number): string {
  return v.toLocaleString('en-US');
}

/** Bytes as kB below a megabyte, else MB (decimal units, as the browser's storage estimate uses). */
export function formatBytes(b: number): string {
  if (b < 1e6) return `${(b / 1e3).toFixed(1)} kB`;
  return `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`;
}
