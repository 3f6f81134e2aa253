import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../src/io/sha256';

describe('Sha256', () => {
  it("equals Node's SHA-256 for every length around the block edges, fed in uneven pieces", () => {
    const data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (const len of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200, 300]) {
      const bytes = data.subarray(0, len);
      const h = new Sha256();
      for (let p = 0; p < len; p += 7) h.update(bytes.subarray(p, Math.min(len, p + 7)));
      expect(h.hex(), `length ${len}`).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

import { figureFooter, layoutFigure, type FigureText } from '../src/export/figure';
import { toCsvParts } from '../src/export/csv';
import { reproducibilityRecord } from '../src/export/record';
import { renderFigureSvg, SVG_MAX_POINTS } from '../src/export/svg';
import { columnNames, sourceRowIds } from '../src/export/table';
import { mapQuality, qualitySample, qualitySampleSize } from '../src/engine/map-quality';
import { trustworthiness, knnRecall } from '../bench/quality';

const measure = (s: string, px: number) => s.length * px * 0.6;

describe('figure layout', () => {
  const legend = { kind: 'categorical' as const, title: 'label', names: ['a', 'b', ''], counts: [10, 1200, 3], colors: ['#ff0000', '#00ff00', '#0000ff'] };
  it('puts the title above, the legend right of the map and the footer below', () => {
    const l = layoutFigure(400, 300, { title: 'Digits', legend, footer: 'mapstream · 1,213 points' }, measure);
    expect(l.title?.text).toBe('Digits');
    expect(l.map.y).toBeGreaterThan(0);
    expect(l.legend!.x).toBe(400);
    expect(l.width).toBe(400 + l.legend!.width);
    expect(l.legend!.rows.map((r) => [r.name, r.count])).toEqual([
      ['a', '10'],
      ['b', '1,200'],
      ['(empty)', '3'],
    ]);
    expect(l.footer.y).toBeGreaterThan(l.map.y + 300);
    expect(l.height).toBeGreaterThan(l.footer.y);
  });

  it('summarises the classes that do not fit beside the map, with their points', () => {
    const names = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const l = layoutFigure(
      300,
      200,
      { title: '', legend: { kind: 'categorical', title: 'cluster', names, counts: names.map(() => 5), colors: names.map(() => '#123456') }, footer: 'x' },
      measure,
    );
    expect(l.title).toBeNull();
    const shown = l.legend!.rows.length;
    expect(shown).toBeLessThan(60);
    expect(l.legend!.more!.text).toBe(`… ${60 - shown} more (${(60 - shown) * 5} points)`);
  });

  it('writes the footer from the parameters the map has', () => {
    expect(figureFooter(1797, { nNeighbors: '15', minDist: '0.1', metric: 'euclidean' })).toBe('mapstream · 1,797 points · nn 15 · md 0.1');
    expect(figureFooter(5, {})).toBe('mapstream · 5 points');
  });
});

describe('SVG figure', () => {
  const text: FigureText = { title: 'A & B <c>', legend: null, footer: 'mapstream · 3 points' };
  const view = (x: number[], y: number[], size = 100) => ({
    x: Float32Array.from(x),
    y: Float32Array.from(y),
    codes: null,
    colors: ['#4e79a7'],
    width: size,
    height: size,
    pointSize: 4,
    opacity: 0.8,
    toScreen: (a: number, b: number) => [a, b] as [number, number],
  });
  it('draws visible points as circles, escapes the title, and keeps the record in its metadata', () => {
    const svg = renderFigureSvg(view([10, 50, 500], [10, 50, 50], 400), text, measure, '{"a":"<1>"}');
    const s = svg.parts.join('');
    expect(svg.visible).toBe(2);
    expect(s.match(/<circle /g)).toHaveLength(2);
    expect(s).toContain('A &amp; B &lt;c&gt;');
    expect(s).toContain('<metadata id="mapstream-record">{&quot;a&quot;:&quot;&lt;1&gt;&quot;}</metadata>');
  });
  it('merges points on the same spot and samples past the cap, saying so in the footer', () => {
    const n = 3 * SVG_MAX_POINTS;
    // Two points on every spot, 300,000 spots.
    const x = Array.from({ length: 2 * n }, (_, i) => (i >> 1) % 1000);
    const y = Array.from({ length: 2 * n }, (_, i) => Math.floor((i >> 1) / 1000));
    const svg = renderFigureSvg(view(x, y, 1000), text, measure);
    expect(svg.visible).toBe(2 * n);
    expect(svg.circles).toBe(SVG_MAX_POINTS);
    const footer = /SVG: [^<]*/.exec(svg.parts.join(''))![0];
    expect(footer).toBe('SVG: 300,000 overlapping points merged, 100,000 of 300,000 circles kept (even sample)');
  });
});

describe('row ids and the record', () => {
  it('numbers rows within their batch and writes the id last', () => {
    expect(Array.from(sourceRowIds(5, Uint16Array.from([0, 0, 1, 0, 1])))).toEqual([0, 1, 0, 2, 1]);
    const t = {
      coords: Float32Array.from([1, 2, 3, 4]),
      nComponents: 2,
      rows: null,
      clusters: null,
      meta: [{ name: 'index', values: ['p', 'q'] }],
      id: { name: 'index', values: Int32Array.from([0, 1]) },
    };
    expect(columnNames(t)).toEqual(['x', 'y', 'index_', 'index']);
    expect(toCsvParts(t).join('')).toBe('x,y,index_,index\n1,2,p,0\n3,4,q,1\n');
  });
  it('records the seed, the backend and the input hash', () => {
    const r = JSON.parse(
      reproducibilityRecord({
        export: { kind: 'csv', file: 'a.umap.csv' },
        map: { name: 'a.csv', n: 2, nComponents: 2 },
        d: 4,
        params: { seed: 7, nNeighbors: 15 },
        backend: 'cpu',
        input: { files: [{ name: 'a.csv', bytes: 3, sha256: 'ab' }] },
        rowId: 'index',
        quality: null,
        appVersion: '0.1.0',
        date: new Date(0),
      }),
    );
    expect(r).toMatchObject({ seed: 7, backend: 'cpu', n: 2, d: 4, appVersion: '0.1.0', date: '1970-01-01T00:00:00.000Z', input: { files: [{ sha256: 'ab' }] } });
  });
});

describe('map quality', () => {
  it('samples distinct sorted rows within a work budget', () => {
    const s = qualitySample(5000, 1000);
    expect(new Set(s).size).toBe(1000);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
    expect(qualitySampleSize(1797, 64)).toBe(1000);
    expect(qualitySampleSize(500, 64)).toBe(500);
    expect(qualitySampleSize(1_000_000, 768)).toBe(100);
  });
  it("equals the bench's metrics on the same sample", () => {
    const n = 400;
    const d = 8;
    const high = new Float32Array(n * d);
    const low = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < d; t++) high[i * d + t] = Math.sin(i * 0.37 + t * 1.3) + (i % 4) * 2;
      low[2 * i] = high[i * d]! + 0.1 * Math.cos(i);
      low[2 * i + 1] = high[i * d + 1]!;
    }
    const q = mapQuality({ data: high, n, d }, { data: low, n, d: 2 });
    expect(q.sample.length).toBe(n);
    expect(q.trustworthiness).toBe(trustworthiness({ data: high, n, d }, { data: low, n, d: 2 }, 15, q.sample));
    expect(q.knnRecall).toBe(knnRecall({ data: high, n, d }, { data: low, n, d: 2 }, 15, q.sample));
  });
});
