import { describe, expect, it } from 'vitest';
import { generate } from '../src/share/generators';
import { linkQuery, parseLink } from '../src/share/link';

describe('share links', () => {
  it('round-trip source, parameters, view, colour and min cluster size, and keep coi=0', () => {
    const q = linkQuery(
      {
        source: { kind: 'blobs', n: 250000, d: 64, clusters: 12 },
        params: { nNeighbors: '20', minDist: '0.05', seed: '7', metric: 'cosine', nComponents: '2' },
        view: { target: [0.123456789, -0.5], distance: 0.75 },
        color: 'meta:kind',
        minClusterSize: 40,
      },
      '?coi=0&src=digits',
    );
    const link = parseLink(q)!;
    expect(link.source).toEqual({ kind: 'blobs', n: 250000, d: 64, clusters: 12 });
    expect(link.params).toEqual({ nNeighbors: '20', minDist: '0.05', seed: '7', metric: 'cosine', nComponents: '2' });
    expect(link.view).toEqual({ target: [0.123457, -0.5], distance: 0.75 });
    expect(link.color).toBe('meta:kind');
    expect(link.minClusterSize).toBe(40);
    expect(new URLSearchParams(q).get('coi')).toBe('0');
    expect(parseLink('?coi=0')).toBeNull();
  });

  it('dataset URLs must be http(s); bad values are named', () => {
    expect(parseLink(`?src=url&url=${encodeURIComponent('https://x.org/a b.csv')}`)!.source).toEqual({ kind: 'url', url: 'https://x.org/a%20b.csv' });
    expect(() => parseLink('?src=url&url=file:///etc/passwd')).toThrow(/must be http\(s\)/);
    expect(() => parseLink('?src=url&url=nope')).toThrow(/not a valid URL/);
    expect(() => parseLink('?src=sphere&n=2000001')).toThrow(/n must be a whole number from 20 to 1000000/);
    expect(() => parseLink('?src=digits&metric=manhattan')).toThrow(/metric must be euclidean or cosine/);
    expect(() => parseLink('?src=digits&view=1,2')).toThrow(/view must be x,y,distance/);
  });

  it('generators are deterministic and shaped as asked', () => {
    for (const source of [
      { kind: 'swissroll', n: 500, d: 5 },
      { kind: 'sphere', n: 300, d: 3 },
      { kind: 'blobs', n: 400, d: 8, clusters: 4 },
    ] as const) {
      const a = generate(source);
      const b = generate(source);
      expect(a.data.length).toBe(source.n * source.d);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(a.labels.length).toBe(source.n);
      expect(a.data.every(Number.isFinite)).toBe(true);
    }
    // Points on the sphere stay on the unit sphere (d = 3: the frame is a rotation, noise is small).
    const s = generate({ kind: 'sphere', n: 200, d: 3 });
    for (let i = 0; i < 200; i++) expect(Math.hypot(s.data[3 * i]!, s.data[3 * i + 1]!, s.data[3 * i + 2]!)).toBeCloseTo(1, 1);
  });
});
