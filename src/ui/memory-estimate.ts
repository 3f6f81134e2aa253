export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1 << 20) return `${(b / 1024).toFixed(0)} KB`;
  if (b < 1 << 30) return `${(b / (1 << 20)).toFixed(b < 10 << 20 ? 1 : 0)} MB`;
  return `${(b / (1 << 30)).toFixed(2)} GB`;
}
