import { decodeBase64 as decode } from './decode-base64';
import { DISTANCE_WASM_PRIVATE, DISTANCE_WASM_RELAXED_PRIVATE, DISTANCE_WASM_RELAXED_SHARED, DISTANCE_WASM_SHARED } from './distance-wasm';

/**
 * Rows of a float32 matrix in WebAssembly memory, with SIMD distance kernels over them. The memory
 * is shared (one copy for every Worker) when the page is cross-origin isolated, private otherwise.
 */
export interface RowStore {
  /** null when this engine has no SIMD wasm: the rows are a plain array and JS kernels run. */
  memory: WebAssembly.Memory | null;
  shared: boolean;
  /** A view of the n × d matrix at offset 0 of the memory. */
  data: Float32Array;
  n: number;
  d: number;
}

export interface RowKernels {
  /** Squared euclidean distance between rows i and j. */
  sqDist(i: number, j: number): number;
  dot(i: number, j: number): number;
}

const PAGE = 65536;

/** Memory big enough for n × d floats. Shared memory needs a fixed maximum; we never grow it. */
export function allocateRowStore(n: number, d: number, shared: boolean): RowStore {
  const pages = Math.max(1, Math.ceil((n * d * 4) / PAGE));
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
  } catch (e) {
    // A RangeError (over wasm's 4 GiB, or the browser has no room), which names no rows.
    throw new RowStoreMemoryError(n, d, e);
  }
  return { memory, shared, data: new Float32Array(memory.buffer, 0, n * d), n, d };
}

/** The rows did not fit in memory: says how many and how large, and what the browser answered. */
export class RowStoreMemoryError extends Error {
  constructor(n: number, d: number, cause: unknown) {
    const mb = Math.ceil((n * d * 4) / 2 ** 20).toLocaleString('en-US');
    super(
      `Not enough memory for the rows: ${n.toLocaleString('en-US')} × ${d.toLocaleString('en-US')} values (${mb} MB) could not be allocated (${cause instanceof Error ? cause.message : String(cause)}). Close other tabs or use fewer rows or dimensions.`,
    );
    this.name = 'RowStoreMemoryError';
  }
}

/** Re-attach to a store whose Memory came from another Worker. */
export function rowStoreOf(memory: WebAssembly.Memory, n: number, d: number): RowStore {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  return { memory, shared, data: new Float32Array(memory.buffer, 0, n * d), n, d };
}

const compiles = new Map<string, boolean>();

/** Whether this engine compiles the module (memoised: every call asks the same engine). */
function compilesHere(b64: string): boolean {
  let ok = compiles.get(b64);
  if (ok === undefined) {
    try {
      new WebAssembly.Module(decode(b64));
      ok = true;
    } catch {
      ok = false;
    }
    compiles.set(b64, ok);
  }
  return ok;
}

/** Whether this engine can compile SIMD wasm; older browsers fall back to the JS kernels. */
export function wasmSimdSupported(): boolean {
  return compilesHere(DISTANCE_WASM_PRIVATE);
}

/**
 * Whether this engine compiles relaxed SIMD, whose fused multiply-add makes each distance 10–15 %
 * cheaper (docs/benchmark.md). Every Worker of one browser answers the same, so the Workers of a job
 * all run one kernel and a job's distances do not depend on which Worker ran them.
 */
function wasmRelaxedSimdSupported(): boolean {
  return compilesHere(DISTANCE_WASM_RELAXED_PRIVATE);
}

/** The distance module for a store's memory: fused where the engine has relaxed SIMD. */
function distanceModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  if (wasmRelaxedSimdSupported()) return decode(shared ? DISTANCE_WASM_RELAXED_SHARED : DISTANCE_WASM_RELAXED_PRIVATE);
  return decode(shared ? DISTANCE_WASM_SHARED : DISTANCE_WASM_PRIVATE);
}

/** A store over a plain array, for engines without SIMD wasm. */
export function plainRowStore(data: Float32Array, n: number, d: number): RowStore {
  return { memory: null, shared: false, data, n, d };
}

/**
 * The SIMD kernels over the store's memory; null when it has none, or when this Worker may not compile
 * them (a Content-Security-Policy without 'wasm-unsafe-eval' on its script, shared memory without
 * wasm threads): the JS kernels then read the same rows.
 */
export function rowKernels(store: RowStore): RowKernels | null {
  if (!store.memory) return null;
  const bytes = distanceModuleBytes(store.shared);
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: store.memory } });
  } catch {
    return null;
  }
  const sq = instance.exports.sqdist as (a: number, b: number, d: number) => number;
  const dt = instance.exports.dot as (a: number, b: number, d: number) => number;
  const d = store.d;
  const rowBytes = d * 4;
  return {
    sqDist: (i, j) => sq(i * rowBytes, j * rowBytes, d),
    dot: (i, j) => dt(i * rowBytes, j * rowBytes, d),
  };
}
