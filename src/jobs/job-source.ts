// Where a job's rows come from, in the job Worker: the RowStore the engine and the compute pool read.
import type { Matrix } from '../engine/types';
import { EngineInputError } from '../engine/types';
import { allocateRowStore, plainRowStore, rowStoreOf, wasmSimdSupported, type RowStore } from '../engine/wasm/row-kernels';
import type { JobSource } from './job-protocol';

/** Reads a stored dataset into `into` (n × d), returning the shape it was stored with. */
export type ReadDataset = (key: string, into: Float32Array) => Promise<{ n: number; d: number }>;

/**
 * The rows of a source: the shared Memory as it is; a transferred array copied once into private wasm
 * memory for the SIMD kernels; a stored dataset read into (shared, when the page is isolated) wasm
 * memory. Every value is checked to be finite.
 */
export async function rowStoreOfSource(src: JobSource, readDataset: ReadDataset): Promise<RowStore> {
  const store = 'stored' in src ? await storedRowStore(src, readDataset) : toRowStore(src);
  validate(store);
  return store;
}

async function storedRowStore(src: { stored: string; n: number; d: number }, readDataset: ReadDataset): Promise<RowStore> {
  const shared = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && wasmSimdSupported();
  const store = wasmSimdSupported() ? allocateRowStore(src.n, src.d, shared) : plainRowStore(new Float32Array(src.n * src.d), src.n, src.d);
  const got = await readDataset(src.stored, store.data);
  if (got.n !== src.n || got.d !== src.d) throw new EngineInputError(`The stored data is ${got.n} × ${got.d}, but the job expects ${src.n} × ${src.d}.`);
  return store;
}

function toRowStore(src: Exclude<JobSource, { stored: string }>): RowStore {
  if (!(src.n > 0) || !(src.d > 0)) throw new EngineInputError('The dataset is empty.');
  if ('memory' in src) return rowStoreOf(src.memory, src.n, src.d);
  if (src.data.length !== src.n * src.d) throw new EngineInputError(`Expected ${src.n} × ${src.d} values, got ${src.data.length}.`);
  if (!wasmSimdSupported()) return plainRowStore(src.data, src.n, src.d);
  const store = allocateRowStore(src.n, src.d, false);
  store.data.set(src.data);
  return store;
}

/**
 * Checks that need the values themselves (the shape is checked where the rows arrive); the ingest
 * step catches most, this guards every caller.
 */
function validate(m: Matrix): void {
  const { data, d } = m;
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t]!)) {
      const row = Math.floor(t / d);
      throw new EngineInputError(`Row ${row + 1}, column ${(t % d) + 1} is ${String(data[t])}; every value must be a finite number.`);
    }
  }
}
