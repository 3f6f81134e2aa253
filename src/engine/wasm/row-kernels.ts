import { DISTANCE_WASM_PRIVATE, DISTANCE_WASM_SHARED } from './distance-wasm';

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
  const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
  return { memory, shared, data: new Float32Array(memory.buffer, 0, n * d), n, d };
}

/** Re-attach to a store whose Memory came from another Worker. */
export function rowStoreOf(memory: WebAssembly.Memory, n: number, d: number): RowStore {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  return { memory, shared, data: new Float32Array(memory.buffer, 0, n * d), n, d };
}

let simdOk: boolean | null = null;

/** Whether this engine can compile SIMD wasm; older browsers fall back to the JS kernels. */
export function wasmSimdSupported(): boolean {
  if (simdOk === null) {
    try {
      new WebAssembly.Module(decode(DISTANCE_WASM_PRIVATE));
      simdOk = true;
    } catch {
      simdOk = false;
    }
  }
  return simdOk;
}

/** A store over a plain array, for engines without SIMD wasm. */
export function plainRowStore(data: Float32Array, n: number, d: number): RowStore {
  return { memory: null, shared: false, data, n, d };
}

export function rowKernels(store: RowStore): RowKernels | null {
  if (!store.memory) return null;
  const bytes = decode(store.shared ? DISTANCE_WASM_SHARED : DISTANCE_WASM_PRIVATE);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: store.memory } });
  const sq = instance.exports.sqdist as (a: number, b: number, d: number) => number;
  const dt = instance.exports.dot as (a: number, b: number, d: number) => number;
  const d = store.d;
  const rowBytes = d * 4;
  return {
    sqDist: (i, j) => sq(i * rowBytes, j * rowBytes, d),
    dot: (i, j) => dt(i * rowBytes, j * rowBytes, d),
  };
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === 'function') {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  return Uint8Array.from(Buffer.from(b64, 'base64'));
}
