/// <reference lib="webworker" />
// A kNN compute Worker of the job's pool. It receives the data once — a view on shared memory when
// the page is cross-origin isolated, a private copy otherwise — and then answers chunk requests.
import * as Comlink from 'comlink';
import { ComputeCore } from '../src/engine/compute-core';
import { rowStoreOf } from '../src/engine/wasm/row-kernels';
import type { Metric } from '../src/engine/types';
import type { Candidates } from '../src/engine/nn-descent';
import type { LayoutConstants, LayoutGraph } from '../src/engine/sgd-layout';

let core: ComputeCore | null = null;
// Shared-memory mode: the epoch's input and output embeddings, shared with every pool Worker.
let sharedPrev: Float32Array | null = null;
let sharedNext: Float32Array | null = null;

const api = {
  /** Shared mode posts the job's shared wasm Memory; transfer mode posts a copy of the rows. */
  init(source: WebAssembly.Memory | Float32Array, n: number, d: number, metric: Metric): void {
    core = new ComputeCore(source instanceof Float32Array ? source : rowStoreOf(source, n, d), n, d, metric);
  },
  exactKnn(start: number, end: number, k: number) {
    const r = need().exactKnn(start, end, k);
    return Comlink.transfer(r, [r.indices.buffer, r.distances.buffer] as ArrayBuffer[]);
  },
  rpTreeJoin(leafSize: number, seed: number) {
    const u = need().rpTreeJoin(leafSize, seed);
    return Comlink.transfer(u, [u.a.buffer, u.b.buffer, u.dist.buffer] as ArrayBuffer[]);
  },
  setCandidates(c: Candidates): void {
    need().setCandidates(c);
  },
  localJoin(start: number, end: number) {
    const u = need().localJoin(start, end);
    const trimmed = { a: u.a.slice(0, u.count), b: u.b.slice(0, u.count), dist: u.dist.slice(0, u.count), count: u.count, evals: u.evals };
    return Comlink.transfer(trimmed, [trimmed.a.buffer, trimmed.b.buffer, trimmed.dist.buffer]);
  },
  setLayout(g: LayoutGraph, c: LayoutConstants, prev: Float32Array | null, next: Float32Array | null): void {
    need().setLayout(g, c);
    sharedPrev = prev;
    sharedNext = next;
  },
  layoutShared(start: number, end: number, epoch: number, alpha: number): void {
    need().layoutRange(sharedPrev!, sharedNext!, start, end, epoch, alpha);
  },
  /** Transfer mode: gets a copy of the embedding, returns the new positions of its own range. */
  layoutCopy(prev: Float32Array, start: number, end: number, epoch: number, dim: number, alpha: number) {
    // Writing into a separate array keeps every read at the epoch's start, as in shared mode.
    const next = new Float32Array(prev.length);
    need().layoutRange(prev, next, start, end, epoch, alpha);
    const out = next.slice(start * dim, end * dim);
    return Comlink.transfer(out, [out.buffer]);
  },
};

function need(): ComputeCore {
  if (!core) throw new Error('compute worker used before init');
  return core;
}

export type ComputeWorkerApi = typeof api;
Comlink.expose(api);
