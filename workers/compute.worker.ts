/// <reference lib="webworker" />
// A compute Worker of the job's pool (protocol: src/jobs/compute-protocol.ts). It receives the rows
// once (shared memory when the page is isolated, else a copy), then answers kNN, layout and transform requests.
import * as Comlink from 'comlink';
import { ComputeCore } from '../src/engine/compute-core';
import { TransformCore } from '../src/engine/transform-core';
import { rowStoreOf } from '../src/engine/wasm/row-kernels';
import type { ComputeWorkerApi } from '../src/jobs/compute-protocol';
import type { JoinUpdates } from '../src/engine/nn-descent';

let core: ComputeCore | null = null;
let tcore: TransformCore | null = null;
function need(): ComputeCore {
  if (!core) throw new Error('compute worker used before init');
  return core;
}

const transferKnn = <T extends { indices: Int32Array; distances: Float32Array }>(r: T) => Comlink.transfer(r, [r.indices.buffer, r.distances.buffer] as ArrayBuffer[]);

/** Updates in a shared slot go back by reference; arrays of their own are moved. */
const transferUpdates = (u: JoinUpdates) => (u.a.buffer instanceof ArrayBuffer ? Comlink.transfer(u, [u.a.buffer, u.b.buffer, u.dist.buffer] as ArrayBuffer[]) : u);

const api: ComputeWorkerApi = {
  init(source, n, d, metric) {
    core = new ComputeCore(source instanceof Float32Array ? source : rowStoreOf(source, n, d), n, d, metric);
  },
  exactKnn: (start, end, k) => transferKnn(need().exactKnn(start, end, k)),
  rpTreeBuild(b, units) {
    // A shared order (shared mode) goes back by reference; a plain one is moved.
    const r = need().rpTreeBuild(b, units);
    return r.build.order.buffer instanceof ArrayBuffer ? Comlink.transfer(r, [r.build.order.buffer]) : r;
  },
  setLeaves: (leaves) => need().setLeaves(leaves),
  leafPairs: (from, to, slot) => transferUpdates(need().leafPairs(from, to, slot)),
  setCandidates: (c) => need().setCandidates(c),
  localJoin: (start, end, slot) => transferUpdates(need().localJoin(start, end, slot)),
  setLayout: (g, c) => need().setLayout(g, c),
  setSharedLayout: (s, c) => need().setSharedLayout(s, c),
  layoutShared: (start, end, epoch, alpha) => need().layoutShared(start, end, epoch, alpha),
  setTransform(model, keys) {
    tcore = new TransformCore(model, need().data, need().n, keys);
  },
  transformKnn: (start, end, k, mode, epsilon, seed) => transferKnn(tcore!.knn(start, end, k, mode, epsilon, seed)),
  setTransformLayout: (indices, weights, k, c) => tcore!.setLayout(indices, weights, k, c),
  transformEpochs: (part, start, end, from, to) => Comlink.transfer(tcore!.epochs(part, start, end, from, to), [part.buffer as ArrayBuffer]),
  layoutCopy(prev, start, end, epoch, dim, alpha) {
    // Writing into a separate array keeps every read at the epoch's start, as in shared mode.
    const next = new Float32Array(prev.length);
    need().layoutRange(prev, next, start, end, epoch, alpha);
    const out = next.slice(start * dim, end * dim);
    return Comlink.transfer(out, [out.buffer]);
  },
};

Comlink.expose(api);
