import { exactAttract, exactRepel } from '../gradient-table';
import { epochKeyOf, tableFor, type LayoutConstants, type LayoutGraph } from '../sgd-layout';
import { decodeBase64 } from './decode-base64';
import { LAYOUT_WASM_PRIVATE, LAYOUT_WASM_SHARED } from './layout-wasm';

/**
 * The 2-D layout epoch in SIMD wasm (layout.wat): the same arithmetic as sgd-layout.ts's epoch2d, bit
 * for bit, 1.25× as fast at 70k points and 1.5–2× at 1M (docs/benchmark.md, "The layout's epoch
 * kernel in wasm"). It runs over a layout memory: the graph, the gradient tables and the epoch's two
 * embeddings. A Worker's private one is a copy of the graph made for it; a shared one (SharedLayout)
 * is written once for the whole pool.
 */
export interface LayoutKernel {
  /**
   * Points [start, end) of `epoch`, read from `prev` and written into `next`. Arrays other than the
   * memory's own views are copied in and out; the views themselves are read and written in place.
   */
  epoch(prev: Float32Array, next: Float32Array, start: number, end: number, epoch: number, alpha: number): void;
}

/**
 * A layout memory in shared wasm memory, made by the pool (sharedLayoutOf) and posted to each of its
 * Workers: at a million points, one 200 MB copy of the graph instead of one more per Worker, and no
 * copies of the embedding in and out of each Worker's kernel at every call.
 */
export interface SharedLayout {
  memory: WebAssembly.Memory;
  n: number;
  edges: number;
  dim: number;
  /** Byte offsets of the sections: the attract and repel tables, ptr, tail, epochsPerSample, prev, next. */
  at: number[];
}

const PAGE = 65536;

/** The sections' byte offsets (each 8-byte aligned) and the memory's size in bytes. */
function sections(n: number, edges: number, dim: number, tableSize: number): { at: number[]; bytes: number } {
  const sizes = [(tableSize + 1) * 8, (tableSize + 1) * 8, (n + 1) * 4, edges * 4, edges * 4, n * dim * 4, n * dim * 4];
  const at: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    at.push(bytes);
    bytes += Math.ceil(s / 8) * 8;
  }
  return { at, bytes };
}

/** The graph and the epoch's embeddings as views of a layout memory. */
export function layoutViews(buf: ArrayBufferLike, at: number[], n: number, edges: number, dim: number): { graph: LayoutGraph; prev: Float32Array; next: Float32Array } {
  return {
    graph: { n, ptr: new Int32Array(buf, at[2], n + 1), tail: new Int32Array(buf, at[3], edges), epochsPerSample: new Float32Array(buf, at[4], edges) },
    prev: new Float32Array(buf, at[5], n * dim),
    next: new Float32Array(buf, at[6], n * dim),
  };
}

/** Writes the graph and the constants' gradient tables into a fresh layout memory. */
function writeLayout(memory: WebAssembly.Memory, at: number[], g: LayoutGraph, c: LayoutConstants): void {
  const table = tableFor(c);
  const buf = memory.buffer;
  new Float64Array(buf, at[0], table.size + 1).set(table.attract);
  new Float64Array(buf, at[1], table.size + 1).set(table.repel);
  const v = layoutViews(buf, at, g.n, g.tail.length, c.nComponents).graph;
  v.ptr.set(g.ptr);
  v.tail.set(g.tail);
  v.epochsPerSample.set(g.epochsPerSample);
}

/**
 * The graph written into a new shared layout memory, with room for the epoch's two embeddings; throws
 * a RangeError where the browser has no room for it.
 */
export function sharedLayoutOf(g: LayoutGraph, c: LayoutConstants): SharedLayout {
  const { at, bytes } = sections(g.n, g.tail.length, c.nComponents, tableFor(c).size);
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  writeLayout(memory, at, g, c);
  return { memory, n: g.n, edges: g.tail.length, dim: c.nComponents, at };
}

const modules = new Map<boolean, WebAssembly.Module | null>();

function compiled(shared: boolean): WebAssembly.Module | null {
  if (!modules.has(shared)) {
    try {
      modules.set(shared, new WebAssembly.Module(decodeBase64(shared ? LAYOUT_WASM_SHARED : LAYOUT_WASM_PRIVATE)));
    } catch {
      modules.set(shared, null); // No SIMD wasm here, or a policy that forbids compiling it: the JS kernel runs.
    }
  }
  return modules.get(shared)!;
}

/** The kernel over a layout memory; null where it cannot be instantiated. */
function kernelOver(memory: WebAssembly.Memory, at: number[], n: number, edges: number, shared: boolean, c: LayoutConstants): LayoutKernel | null {
  const mod = compiled(shared);
  if (!mod) return null;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(mod, {
      env: { memory, attract: (d2: number) => exactAttract(d2, c.a, c.b), repel: (d2: number) => exactRepel(d2, c.a, c.b, c.gamma) },
    });
  } catch {
    return null;
  }
  const table = tableFor(c);
  const { prev: prevIn, next: nextOut } = layoutViews(memory.buffer, at, n, edges, 2);
  const ex = instance.exports as {
    setup(...args: number[]): void;
    epoch2d(start: number, end: number, epoch: number, key: number, alpha: number): void;
  };
  ex.setup(at[0]!, at[1]!, table.size, table.exactBelow, at[2]!, at[3]!, at[4]!, at[5]!, at[6]!, n, Math.ceil(c.negativeSampleRate)); // p < rate runs for p < ceil(rate), as in the JS loop
  return {
    epoch(prev, next, start, end, epoch, alpha) {
      if (prev !== prevIn) prevIn.set(prev);
      ex.epoch2d(start, end, epoch, epochKeyOf(c.seed, epoch) | 0, alpha);
      if (next !== nextOut) next.set(nextOut.subarray(2 * start, 2 * end), 2 * start);
    },
  };
}

/** The kernel for this graph, over a private copy of it; null where it cannot run (3-D layouts, no SIMD wasm, no memory for the copy). */
export function layoutKernel(g: LayoutGraph, c: LayoutConstants): LayoutKernel | null {
  if (c.nComponents !== 2 || !compiled(false)) return null;
  const { at, bytes } = sections(g.n, g.tail.length, 2, tableFor(c).size);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  } catch {
    return null;
  }
  writeLayout(memory, at, g, c);
  return kernelOver(memory, at, g.n, g.tail.length, false, c);
}

/** The kernel over a shared layout memory, which it reads and writes in place; null as for layoutKernel. */
export function sharedLayoutKernel(s: SharedLayout, c: LayoutConstants): LayoutKernel | null {
  if (s.dim !== 2 || c.nComponents !== 2) return null;
  return kernelOver(s.memory, s.at, s.n, s.edges, true, c);
}
