import { describe, expect, it } from 'vitest';
import { ComputeCore } from '../src/engine/compute-core';
import { allocateRowStore, RowStoreMemoryError } from '../src/engine/wasm/row-kernels';
import { isOutOfMemory } from '../src/jobs/memory-error';

describe('memory at a Worker start', () => {
  it('rows that do not fit in wasm memory end in a message naming them, not a bare RangeError', () => {
    // 2^20 × 2^11 floats are 8 GiB: over wasm's 4 GiB, refused before anything is allocated.
    const fail = () => allocateRowStore(1 << 20, 1 << 11, false);
    expect(fail).toThrow(RowStoreMemoryError);
    expect(fail).toThrow(/Not enough memory for the rows: 1,048,576 × 2,048 values \(8,192 MB\) could not be allocated/);
  });

  it('tells a refused allocation from other RangeErrors, also once Comlink has turned it into a plain Error', () => {
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(Object.assign(new Error('WebAssembly.Memory(): could not allocate memory'), { name: 'RangeError' }))).toBe(true);
    expect(isOutOfMemory(new RangeError('Invalid typed array length: -1'))).toBe(false);
    expect(isOutOfMemory(new Error('Array buffer allocation failed'))).toBe(false);
  });

  it('rows in wasm memory are read by the SIMD kernels where they compile', () => {
    const store = allocateRowStore(4, 2, false);
    store.data.set([0, 0, 1, 0, 0, 1, 1, 1]);
    const core = new ComputeCore(store, 4, 2, 'euclidean');
    expect(core.kernels).toBe('wasm');
    expect(core.orderDist(0, 3)).toBe(2);
  });
});
