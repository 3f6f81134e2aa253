import { describe, expect, it } from 'vitest';
import { checksumOf, datasetKeyOf } from '../src/jobs/checksum';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, validateSettings } from '../src/jobs/settings';

describe('checkpoint checksums', () => {
  const cp = () => ({ phase: 'layout', epoch: 12, embedding: Float32Array.from([1, 2, 3, 4]), flags: new Uint8Array([1, 0, 1]), log: ['a', 'b'] });

  it('same value, same digest and byte count; key order does not matter', () => {
    const a = checksumOf(cp());
    const { log, flags, embedding, epoch, phase } = cp();
    const b = checksumOf({ log, flags, embedding, epoch, phase });
    expect(b).toEqual(a);
    expect(a.bytes).toBeGreaterThan(16 + 3);
  });

  it('any changed value, scalar or typed array element, changes the digest', () => {
    const base = checksumOf(cp()).checksum;
    const e = cp();
    e.embedding[2] = 3.0000002;
    expect(checksumOf(e).checksum).not.toBe(base);
    const f = cp();
    f.epoch = 13;
    expect(checksumOf(f).checksum).not.toBe(base);
    const g = cp();
    g.flags[2] = 0;
    expect(checksumOf(g).checksum).not.toBe(base);
  });

  it('a truncated array changes the byte count', () => {
    const t = cp();
    const short = { ...t, embedding: t.embedding.subarray(0, 3) };
    expect(checksumOf(short).bytes).toBe(checksumOf(t).bytes - 4);
  });

  it('unaligned views hash like aligned copies', () => {
    const buf = new Uint8Array(13);
    for (let i = 0; i < 13; i++) buf[i] = i * 7;
    const view = buf.subarray(1, 13);
    expect(checksumOf({ x: view })).toEqual(checksumOf({ x: view.slice() }));
  });
});

describe('dataset content keys', () => {
  it('depend on shape and values only', () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    expect(datasetKeyOf(a, 3, 4)).toBe(datasetKeyOf(a.slice(), 3, 4));
    expect(datasetKeyOf(a, 4, 3)).not.toBe(datasetKeyOf(a, 3, 4));
    const b = a.slice();
    b[11] = 0;
    expect(datasetKeyOf(b, 3, 4)).not.toBe(datasetKeyOf(a, 3, 4));
    expect(datasetKeyOf(a, 3, 4)).toMatch(/^3x4-[0-9a-f]{16}$/);
  });
});

describe('settings', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };

  it('defaults: 3 concurrent jobs, 24 h retention, auto-resume on', () => {
    expect(loadSettings(memory())).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({ maxConcurrentJobs: 3, retentionHours: 24, autoResume: true });
  });

  it('round-trips through storage', () => {
    const st = memory();
    saveSettings({ ...DEFAULT_SETTINGS, chunkSize: 250, autoResume: false }, st);
    expect(loadSettings(st)).toEqual({ ...DEFAULT_SETTINGS, chunkSize: 250, autoResume: false });
  });

  it('a corrupt or invalid stored entry falls back to the defaults', () => {
    const st = memory();
    st.setItem('mapstream.settings.v1', '{not json');
    expect(loadSettings(st)).toEqual(DEFAULT_SETTINGS);
    st.setItem('mapstream.settings.v1', JSON.stringify({ maxConcurrentJobs: 0 }));
    expect(loadSettings(st)).toEqual(DEFAULT_SETTINGS);
  });

  it('bad values get a message naming the setting', () => {
    expect(() => validateSettings({ ...DEFAULT_SETTINGS, maxConcurrentJobs: 2.5 })).toThrow(/Maximum concurrent jobs .* \(got 2.5\)/);
    expect(() => validateSettings({ ...DEFAULT_SETTINGS, chunkSize: 0 })).toThrow(/Chunk size/);
    expect(() => validateSettings({ ...DEFAULT_SETTINGS, retentionHours: -1 })).toThrow(/Retention/);
    expect(() => validateSettings({ ...DEFAULT_SETTINGS, gpuMemoryFraction: 1.5 })).toThrow(/GPU memory fraction/);
    expect(() => saveSettings({ ...DEFAULT_SETTINGS, chunkSize: NaN }, memory())).toThrow(/Chunk size/);
  });
});

describe('datasetKeyOfAsync', () => {
  it('gives the same key as datasetKeyOf, across slice boundaries', async () => {
    const { datasetKeyOfAsync } = await import('../src/jobs/checksum');
    const n = 3000;
    const d = 700; // 2.1M values: three slices
    const a = Float32Array.from({ length: n * d }, (_, i) => Math.cos(i));
    expect(await datasetKeyOfAsync(a, n, d)).toBe(datasetKeyOf(a, n, d));
  });
});
