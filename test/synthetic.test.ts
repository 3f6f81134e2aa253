import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGaussianMixture, gaussianMixture } from '../src/engine/synthetic';

describe('gaussianMixture', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = gaussianMixture({ n: 500, d: 40, clusters: 5, seed: 3 });
    const b = gaussianMixture({ n: 500, d: 40, clusters: 5, seed: 3 });
    const c = gaussianMixture({ n: 500, d: 40, clusters: 5, seed: 4 });
    expect(b.data).toEqual(a.data);
    expect(b.labels).toEqual(a.labels);
    expect(c.data).not.toEqual(a.data);
  });

  it('does not depend on how rows are chunked', () => {
    const whole = gaussianMixture({ n: 300, d: 17, seed: 11 });
    const gen = createGaussianMixture({ n: 300, d: 17, seed: 11 });
    const data = new Float32Array(300 * 17);
    const labels = new Int32Array(300);
    for (const [start, count] of [
      [0, 1],
      [1, 128],
      [129, 171],
    ] as const) {
      gen.next(data.subarray(start * 17), labels.subarray(start), count);
    }
    expect(data).toEqual(whole.data);
    expect(labels).toEqual(whole.labels);
  });

  it('gives finite data and uses every cluster', () => {
    const { data, labels } = gaussianMixture({ n: 2000, d: 8, clusters: 10, seed: 1 });
    expect(data.every(Number.isFinite)).toBe(true);
    expect(new Set(labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });
});

describe('scripts/gen-synthetic.mjs', () => {
  it('writes .npy files holding exactly gaussianMixture()', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapstream-syn-'));
    try {
      const out = join(dir, 'x.npy');
      const labelsOut = join(dir, 'y.npy');
      execFileSync(process.execPath, ['scripts/gen-synthetic.mjs', '--n', '1000', '--d', '24', '--seed', '5', '--out', out, '--labels', labelsOut]);
      const expected = gaussianMixture({ n: 1000, d: 24, seed: 5 });

      const bytes = readFileSync(out);
      const headerLen = bytes.readUInt16LE(8);
      const header = bytes.subarray(10, 10 + headerLen).toString('latin1');
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x93NUMPY\x01\x00');
      expect((10 + headerLen) % 64).toBe(0);
      expect(header).toContain("'descr': '<f4'");
      expect(header).toContain("'shape': (1000, 24)");
      const body = bytes.subarray(10 + headerLen);
      expect(new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length))).toEqual(expected.data);

      const lbytes = readFileSync(labelsOut);
      const lheaderLen = lbytes.readUInt16LE(8);
      expect(lbytes.subarray(10, 10 + lheaderLen).toString('latin1')).toContain("'shape': (1000,)");
      const lbody = lbytes.subarray(10 + lheaderLen);
      expect(new Int32Array(lbody.buffer.slice(lbody.byteOffset, lbody.byteOffset + lbody.length))).toEqual(expected.labels);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
