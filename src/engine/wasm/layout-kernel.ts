import { exactAttract, exactRepel } from '../gradient-table';
import { epochKeyOf, tableFor, type LayoutConstants, type LayoutGraph } from '../sgd-layout';
import { decodeBase64 } from './decode-base64';
import { LAYOUT_WASM } from './layout-wasm';

/**
 * The 2-D layout epoch in SIMD wasm (layout.wat): the same arithmetic as sgd-layout.ts's epoch2d, bit
 * for bit, 1.25× as fast at 70k points and 1.5–2× at 1M (docs/benchmark.md, "The layout's epoch
 * kernel in wasm"). It holds a copy of the graph and the gradient tables in this Worker's private
 * memory; each call copies the epoch-start positions in and the range it moved out.
 */
export interface LayoutKernel {
  epoch(prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number): void;
}

const PAGE = 65536;

let module: WebAssembly.Module | null | undefined;

function compiled(): WebAssembly.Module | null {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(decodeBase64(LAYOUT_WASM));
    } catch {
      module = null; // No SIMD wasm here, or a policy that forbids compiling it: the JS kernel runs.
    }
  }
  return module;
}

/** The kernel for this graph, or null where it cannot run (3-D layouts, no SIMD wasm, no memory for the copy). */
export function layoutKernel(g: LayoutGraph, c: LayoutConstants): LayoutKernel | null {
  if (c.nComponents !== 2) return null;
  const mod = compiled();
  if (!mod) return null;
  const table = tableFor(c);
  const n = g.n;
  const edges = g.tail.length;
  // Sections, each 8-byte aligned: the two f64 tables, ptr, tail, epochsPerSample, prev, next.
  const sizes = [(table.size + 1) * 8, (table.size + 1) * 8, (n + 1) * 4, edges * 4, edges * 4, n * 8, n * 8];
  const at: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    at.push(bytes);
    bytes += Math.ceil(s / 8) * 8;
  }
  let memory: WebAssembly.Memory;
  let instance: WebAssembly.Instance;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    instance = new WebAssembly.Instance(mod, {
      env: { memory, attract: (d2: number) => exactAttract(d2, c.a, c.b), repel: (d2: number) => exactRepel(d2, c.a, c.b, c.gamma) },
    });
  } catch {
    return null;
  }
  const buf = memory.buffer;
  new Float64Array(buf, at[0], table.size + 1).set(table.attract);
  new Float64Array(buf, at[1], table.size + 1).set(table.repel);
  new Int32Array(buf, at[2], n + 1).set(g.ptr);
  new Int32Array(buf, at[3], edges).set(g.tail);
  new Float32Array(buf, at[4], edges).set(g.epochsPerSample);
  const prevIn = new Float32Array(buf, at[5], 2 * n);
  const nextOut = new Float32Array(buf, at[6], 2 * n);
  const ex = instance.exports as {
    setup(...args: number[]): void;
    epoch2d(start: number, end: number, epoch: number, key: number, alpha: number): void;
  };
  ex.setup(at[0]!, at[1]!, table.size, table.exactBelow, at[2]!, at[3]!, at[4]!, at[5]!, at[6]!, n, Math.ceil(c.negativeSampleRate)); // p < rate runs for p < ceil(rate), as in the JS loop
  return {
    epoch(prev, next, start, end, epoch, alpha) {
      prevIn.set(prev);
      ex.epoch2d(start, end, epoch, epochKeyOf(c.seed, epoch) | 0, alpha);
      next.set(nextOut.subarray(2 * start, 2 * end), 2 * start);
    },
  };
}
