import { describe, expect, it } from 'vitest';
import { ingestSources, memorySource, type ParseProgress, type PreviewInfo } from '../src/io';
import { toParquet } from '../scripts/lib/embedding-formats.mjs';

const csv = 'a,b,c,label\n' + Array.from({ length: 3000 }, (_, i) => `${i % 17},${(i * 7) % 13},${i % 5},k${i % 3}`).join('\n') + '\n';

describe('progress and preview events', () => {
  it('CSV: a preview after the first rows with a row estimate, progress up to the last byte', async () => {
    const progress: ParseProgress[] = [];
    const previews: PreviewInfo[] = [];
    const bytes = new TextEncoder().encode(csv);
    const ds = await ingestSources([memorySource('p.csv', bytes, 1024)], { onProgress: (p) => progress.push(p), onPreview: (p) => previews.push(p) });
    expect(previews).toHaveLength(1);
    const p = previews[0]!;
    expect(p.columns).toEqual(['a', 'b', 'c', 'label']);
    expect(p.rows).toHaveLength(5);
    expect(p.vectorColumns).toEqual(['a', 'b', 'c']);
    expect(p.metaColumns).toEqual(['label']);
    expect([p.delimiter, p.header]).toEqual([',', true]);
    expect(Math.abs(p.rowsEstimate! - 3000)).toBeLessThan(300);
    const last = progress[progress.length - 1]!;
    expect([last.bytes, last.totalBytes, last.rows]).toEqual([bytes.length, bytes.length, 3000]);
    expect(ds.n).toBe(3000);
  });

  it('Parquet: the row count is known up front', async () => {
    const data = Float32Array.from({ length: 40 * 3 }, (_, i) => i % 11);
    const previews: PreviewInfo[] = [];
    await ingestSources([memorySource('p.parquet', toParquet(data, 40, 3, null, 10))], { onPreview: (p) => previews.push(p) });
    expect(previews[0]?.d).toBe(3);
    expect(previews[0]?.vectorField).toBe('embedding');
    expect(previews[0]?.rowsKnown).toBe(40);
  });
});
