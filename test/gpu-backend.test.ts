import { describe, expect, it } from 'vitest';
import { chooseBackend, isSoftwareAdapter, withGpuLock } from '../src/gpu/backend';
import { GPU_EXACT_WORK, gpuKnnDecision, planGpuKnn } from '../src/gpu/knn-plan';
import { resolveParams } from '../src/engine/params';

// The GPU path's decisions, without a GPU: adapters are stand-ins with the fields the code reads.

const limits = (binding: number, maxBuffer = binding) =>
  ({ maxStorageBufferBindingSize: binding, maxBufferSize: maxBuffer, maxComputeWorkgroupStorageSize: 16384 }) as unknown as GPUSupportedLimits;

function fakeGpu(adapter: Record<string, unknown> | null) {
  return { requestAdapter: async () => adapter } as unknown as GPU;
}

describe('backend choice', () => {
  const swiftshader = { info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' }, isFallbackAdapter: false, limits: limits(2 ** 30) };
  const nvidia = { info: { vendor: 'nvidia', architecture: 'hopper', device: 'h100', description: '' }, isFallbackAdapter: false, limits: limits(2 ** 31) };

  it('auto skips a software adapter and says why; webgpu forces it', async () => {
    expect(isSoftwareAdapter(swiftshader as unknown as GPUAdapter)).toBe(true);
    const auto = await chooseBackend('auto', fakeGpu(swiftshader));
    expect(auto.adapter).toBeNull();
    expect(auto.report).toMatchObject({ backend: 'cpu', reason: 'auto: software adapter (google / swiftshader) is slower than the CPU path; using CPU' });
    const forced = await chooseBackend('webgpu', fakeGpu(swiftshader));
    expect(forced.adapter).not.toBeNull();
    expect(forced.report.backend).toBe('webgpu');
  });

  it('isFallbackAdapter alone marks a software adapter', () => {
    expect(isSoftwareAdapter({ info: { vendor: 'x', architecture: 'y' }, isFallbackAdapter: true } as unknown as GPUAdapter)).toBe(true);
  });

  it('auto takes a hardware adapter; cpu never asks; no WebGPU falls back to the CPU', async () => {
    const auto = await chooseBackend('auto', fakeGpu(nvidia));
    expect(auto.report.backend).toBe('webgpu');
    expect(auto.report.reason).toMatch(/^auto: WebGPU adapter nvidia \/ hopper \/ h100/);
    expect((await chooseBackend('cpu', fakeGpu(nvidia))).report).toEqual({ backend: 'cpu', reason: 'cpu: chosen in the settings' });
    expect((await chooseBackend('webgpu', undefined)).report.reason).toBe('webgpu was asked for, but WebGPU is not available here; using CPU');
    expect((await chooseBackend('auto', fakeGpu(null))).report.reason).toBe('auto: no WebGPU adapter was found; using CPU');
  });

  it('withGpuLock runs at once where there are no Web Locks', async () => {
    expect(await withGpuLock(async () => 7)).toBe(7);
  });
});

describe('GPU kNN plan', () => {
  it('blocks the data under the binding limit and keeps block starts aligned', () => {
    const p = planGpuKnn(limits(128 * 2 ** 20, 2 ** 30), 100_000, 768, 1000);
    expect(p.fits).toBe(true);
    expect(p.blockRows % 64).toBe(0);
    expect(p.blockRows * 768 * 4).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(p.blockRows * 1000 * 4).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(p.nBlocks).toBe(Math.ceil(100_000 / p.blockRows));
  });

  it('streams rows that exceed the budget through one block buffer, and says so', () => {
    // 40k × 768 is 117 MiB of rows against a 0.8 × 4 × 32 MiB budget.
    const small = limits(32 * 2 ** 20, 32 * 2 ** 20);
    const p = planGpuKnn(small, 40_000, 768, 1000);
    expect(p.fits).toBe(true);
    expect(p.streamed).toBe(true);
    expect(p.bytes).toBeLessThanOrEqual(p.budgetBytes);
    expect(p.blockRows % 64).toBe(0);
    expect(p.nBlocks).toBe(Math.ceil(40_000 / p.blockRows));
    const d = gpuKnnDecision(small, resolveParams({}, 40_000), 40_000, 768);
    expect(d.params.exactKnnMaxN).toBe(40_000);
    expect(d.line).toMatch(/^GPU kNN: exact, rows streamed in \d+ block\(s\) of ≤ \d+ rows per search \(the rows \(117 MiB\) exceed the GPU budget of 102 MiB\)/);
    expect(planGpuKnn(limits(2 ** 31, 2 ** 40), 40_000, 768, 1000).streamed).toBe(false);
  });

  it('refuses data when not even one block fits the budget, and the decision keeps kNN approximate then', () => {
    const tiny = limits(2 ** 20, 2 ** 20);
    expect(planGpuKnn(tiny, 100_000, 768, 1000).fits).toBe(false);
    const params = resolveParams({}, 100_000);
    const d = gpuKnnDecision(tiny, params, 100_000, 768);
    expect(d.params.exactKnnMaxN).toBe(params.exactKnnMaxN);
    expect(d.line).toMatch(/fits the GPU budget/);
  });

  it('makes kNN exact on the GPU when it fits and n²·d is within budget, approximate above', () => {
    const big = limits(2 ** 31, 2 ** 40);
    const params = resolveParams({}, 100_000);
    expect(gpuKnnDecision(big, params, 100_000, 768).params.exactKnnMaxN).toBe(100_000);
    const n = Math.ceil(Math.sqrt(GPU_EXACT_WORK / 768)) + 1000;
    const d = gpuKnnDecision(big, resolveParams({}, n), n, 768);
    expect(d.params.exactKnnMaxN).toBe(params.exactKnnMaxN);
    expect(d.line).toMatch(/above the exact budget/);
  });

  it('rejects a bad backend or memory fraction', () => {
    expect(() => resolveParams({ backend: 'cuda' as never }, 100)).toThrow(/backend must be auto, cpu or webgpu/);
    expect(() => resolveParams({ gpuMemoryFraction: 0 }, 100)).toThrow(/gpuMemoryFraction/);
  });
});
