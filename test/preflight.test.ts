import { describe, expect, it } from 'vitest';
import { assertFits, preflight, PreflightRefusal, type DeviceLimits, type PreflightOption } from '../src/jobs/preflight';
import { estimateMemory, estimateTime, MEMORY_FIT, nominalBuffers, type JobShape } from '../src/jobs/preflight-model';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const device = (over: Partial<DeviceLimits> = {}): DeviceLimits => ({ deviceMemoryGiB: 8, cores: 2, sharedRows: true, gpu: null, ...over });
const shape = (n: number, d: number, over: Partial<JobShape> = {}): JobShape => ({ n, d, nNeighbors: 15, epochs: 200, nComponents: 2, rowCopies: 1, ...over });

describe('preflight model', () => {
  it('names every buffer a fit holds, the rows at exactly n·d·4 per copy', () => {
    const m = estimateMemory(shape(1000, 100, { rowCopies: 2 }));
    expect(m.buffers.map((b) => b.name)).toEqual(['rows', 'kNN heaps', 'kNN working set', 'graph', 'embedding', 'checkpoint copies', 'Workers and wasm']);
    expect(m.buffers[0]!.bytes).toBe(1000 * 100 * 4 * 2);
    expect(m.totalBytes).toBe(m.buffers.reduce((t, b) => t + b.bytes, 0));
  });

  it('agrees with the bench’s measured peaks within 25 % (+ 50 MB of noise) at the sizes it was fitted to', () => {
    // npm run bench -- --synthetic NxD: peak_memory_mb (docs/preflight.md).
    const measured: [number, number, number][] = [
      [20_000, 768, 183],
      [70_000, 784, 465],
      [200_000, 768, 1031],
      [1_000_000, 128, 2200],
      [50_000, 512, 248],
    ];
    for (const [n, d, mb] of measured) {
      const est = estimateMemory(shape(n, d)).totalBytes / MiB;
      expect(Math.abs(est - mb), `${n} × ${d}`).toBeLessThan(0.25 * mb + 50);
    }
  });

  it('drops the NN-descent working set when the GPU does the kNN exactly', () => {
    const cpu = nominalBuffers(shape(10_000, 64)).find((b) => b.name === 'kNN working set')!;
    const gpu = nominalBuffers(shape(10_000, 64, { gpuKnn: true })).find((b) => b.name === 'kNN working set')!;
    expect(cpu.bytes).toBeGreaterThan(0);
    expect(gpu.bytes).toBe(0);
  });

  it('times grow with n and d, the layout with epochs, and shrink with cores', () => {
    const base = estimateTime(shape(70_000, 784), 2);
    // Measured on the 2-core machine: 25.7 s (docs/benchmark.md); an estimate within a factor of 1.5.
    expect(base.total).toBeGreaterThan(25.7 / 1.5);
    expect(base.total).toBeLessThan(25.7 * 1.5);
    expect(estimateTime(shape(70_000, 128), 2).knn).toBeLessThan(base.knn);
    expect(estimateTime(shape(70_000, 784, { epochs: 400 }), 2).layout).toBeCloseTo(2 * base.layout, 6);
    expect(estimateTime(shape(70_000, 784), 8).total).toBeLessThan(base.total);
  });
});

describe('preflight verdict', () => {
  const job = { n: 60_000, d: 192, params: {}, rowsShared: false };

  it('fits a small job with no options, and counts a second copy of rows not yet in shared memory', () => {
    const p = preflight({ n: 1797, d: 64, params: {}, rowsShared: true }, device());
    expect(p.verdict).toBe('fits');
    expect(p.options).toEqual([]);
    const inPlace = preflight({ ...job, rowsShared: true }, device()).memory.buffers[0]!.bytes;
    expect(preflight(job, device()).memory.buffers[0]!.bytes).toBe(2 * inPlace);
    expect(preflight(job, device({ sharedRows: false, cores: 4 })).memory.buffers[0]!.bytes).toBe(6 * inPlace);
  });

  it('refuses a job over the device memory, naming both numbers, and offers PCAs that fit, the GPU and float16 with why', () => {
    const p = preflight(job, device({ deviceMemoryGiB: 0.25 }));
    expect(p.verdict).toBe('refused');
    expect(p.offeredBytes).toBe(0.25 * GiB);
    expect(p.message).toMatch(/^This job needs ≈ 0\.\d\d GB; this device offers ≈ 0\.25 GB/);
    const pca = p.options.filter((o): o is Extract<PreflightOption, { kind: 'pca' }> => o.kind === 'pca');
    expect(pca.map((o) => o.k)).toEqual([128, 64, 32, 16, 8]);
    const eight = pca.find((o) => o.k === 8)!;
    expect(eight.fits).toBe(true);
    expect(eight.memory.totalBytes).toBeLessThan(0.25 * GiB);
    expect(eight.pcaSeconds).toBeGreaterThan(0);
    expect(eight.quality).toContain('share of variance kept is measured by the PCA');
    expect(p.options.find((o) => o.kind === 'gpu')).toMatchObject({ available: false, why: 'no hardware WebGPU adapter here' });
    expect(p.options.find((o) => o.kind === 'float16')).toMatchObject({ available: false, why: 'float16 rows are not in the engine yet' });
    expect(() => assertFits(job, device({ deviceMemoryGiB: 0.25 }))).toThrow(PreflightRefusal);
    expect(() => assertFits(job, device({ deviceMemoryGiB: 0.25 }))).toThrow(/Not started\. Reduce the rows first \(PCA to \d+ dimensions fits/);
  });

  it('offers the GPU when its limits hold the rows and it fits, not when they do not', () => {
    const big = { maxBufferSize: 2 * GiB, maxStorageBufferBindingSize: GiB };
    const ok = preflight(job, device({ deviceMemoryGiB: 0.5, gpu: big }));
    expect(ok.verdict).not.toBe('fits');
    expect(ok.options.find((o) => o.kind === 'gpu')).toMatchObject({ available: true });
    const tiny = preflight(job, device({ deviceMemoryGiB: 0.25, gpu: { maxBufferSize: MiB, maxStorageBufferBindingSize: MiB } }));
    expect(tiny.options.find((o) => o.kind === 'gpu')).toMatchObject({ available: false });
    expect((tiny.options.find((o) => o.kind === 'gpu') as { why: string }).why).toContain("the GPU's limits do not hold the rows");
  });

  it('refuses rows beyond one wasm32 memory on an isolated page, and only warns at the deviceMemory cap', () => {
    const huge = { n: 2_000_000, d: 768, params: {}, rowsShared: true };
    const p = preflight(huge, device());
    expect(p.verdict).toBe('refused');
    expect(p.message).toBe('The rows need 5.7 GB, but one wasm32 memory holds at most 4 GB.');
    // Not isolated: the rows are plain arrays, and a device at the cap may have far more than 8 GB.
    const q = preflight({ ...huge, n: 600_000 }, device({ sharedRows: false }));
    expect(q.verdict).toBe('tight');
    expect(q.message).toContain('at least 8 GB');
  });

  it('lets a job with parameters the engine rejects through to the engine’s own message', () => {
    expect(() => assertFits({ ...job, params: { nNeighbors: 1 } }, device({ deviceMemoryGiB: 0.25 }))).not.toThrow();
  });

  it('keeps the fitted fixed cost in the estimate of even the smallest job', () => {
    expect(preflight({ n: 100, d: 2, params: { nNeighbors: 5 }, rowsShared: true }, device()).memory.totalBytes).toBeGreaterThan(MEMORY_FIT.fixedBytes);
  });
});
