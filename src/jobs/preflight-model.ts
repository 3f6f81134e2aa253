// The preflight's model of what a fit holds and how long it takes, from n, d and the parameters.
// Memory: each buffer's size from the engine's own layout, scaled by factors fitted to the bench's
// measured peaks (docs/preflight.md: the measurements and the fit). Time: the phase rates measured by
// the bench on the 2-core development machine, scaled by this device's cores. Both are estimates.

/** What the estimate needs to know of a job. */
export interface JobShape {
  n: number;
  d: number;
  nNeighbors: number;
  epochs: number;
  nComponents: number;
  /** Copies of the rows the job's pages and Workers hold (see rowCopies). */
  rowCopies: number;
  /** The kNN is exact on the GPU: no RP trees or NN-descent candidates on the CPU. */
  gpuKnn?: boolean;
}

export interface Buffer {
  name: string;
  bytes: number;
}

export interface MemoryEstimate {
  buffers: Buffer[];
  totalBytes: number;
}

export interface TimeEstimate {
  /** Seconds per phase, and in all. */
  knn: number;
  graph: number;
  init: number;
  layout: number;
  total: number;
}

/** Directed edges per point after the fuzzy union, per neighbour (measured: 22.3 at n_neighbors 15). */
const EDGES_PER_NEIGHBOUR = 1.5;
/** RP trees the approximate kNN builds (src/engine/knn-phase.ts). */
const RP_TREES = 5;

/**
 * Fitted to the bench's peak_memory_mb (docs/preflight.md): a fixed cost of the job's Workers and
 * their wasm instances, and one factor on the engine state's nominal bytes (allocator slack, the
 * typed arrays' growth while a phase builds them, garbage not yet collected).
 */
export const MEMORY_FIT = { fixedBytes: 100 * 2 ** 20, stateFactor: 1.26 } as const;

/**
 * Phase rates of the CPU path on the 2-core machine (docs/benchmark.md, quiet machine): kNN costs
 * C·n·log2(n)·(d + D0) seconds, the graph G per point and neighbour, the init I per point, the
 * layout L per edge and epoch.
 */
const TIME_FIT = { knnC: 5.1e-9, knnD0: 1146, graphG: 6e-7, initI: 2.7e-5, layoutL: 3.8e-8, cores: 2 } as const;

/** Bytes of each buffer a fit holds at its peak (before the fitted factors; `estimateMemory` applies them). */
export function nominalBuffers(s: JobShape): Buffer[] {
  const { n, d, nNeighbors: k, nComponents } = s;
  const edges = EDGES_PER_NEIGHBOUR * n * k;
  return [
    { name: 'rows', bytes: n * d * 4 * s.rowCopies },
    // Indices, distances and the new-flag byte of each point's neighbour heap.
    { name: 'kNN heaps', bytes: n * k * 9 },
    // RP-tree leaves and NN-descent's candidate lists (old and new, indices and flags).
    { name: 'kNN working set', bytes: s.gpuKnn ? 0 : n * (RP_TREES * 8 + k * 16) },
    // The fuzzy graph (COO: row, column, weight) and the layout's CSR copy (head, tail, epochs per sample, next epoch).
    { name: 'graph', bytes: edges * (12 + 16) + n * 8 },
    // The embedding, the preview sent to the page and the result.
    { name: 'embedding', bytes: n * nComponents * 4 * 3 },
    // A checkpoint is a structured clone of the heaps and then of the graph while it is written.
    { name: 'checkpoint copies', bytes: Math.max(n * k * 8, edges * 12) },
  ];
}

/** The job's peak memory by buffer: the nominal buffers times the fitted factor, and the fixed cost of its Workers. */
export function estimateMemory(s: JobShape): MemoryEstimate {
  const buffers = nominalBuffers(s).map((b) => ({ name: b.name, bytes: b.name === 'rows' ? b.bytes : Math.round(b.bytes * MEMORY_FIT.stateFactor) }));
  buffers.push({ name: 'Workers and wasm', bytes: MEMORY_FIT.fixedBytes });
  return { buffers, totalBytes: buffers.reduce((t, b) => t + b.bytes, 0) };
}

/**
 * Seconds per phase on a device with `cores` cores. The kNN chunks and layout epochs run on one
 * compute Worker per core; the layout scales about linearly with them, the kNN much less (NN-descent's
 * heap updates stay in the job Worker), so it gets the square root of the ratio.
 */
export function estimateTime(s: JobShape, cores: number): TimeEstimate {
  const { n, d, nNeighbors: k, epochs } = s;
  const ratio = TIME_FIT.cores / Math.max(1, cores);
  const knn = TIME_FIT.knnC * n * Math.log2(Math.max(2, n)) * (d + TIME_FIT.knnD0) * Math.sqrt(ratio);
  const graph = TIME_FIT.graphG * n * k;
  const init = TIME_FIT.initI * n;
  const layout = TIME_FIT.layoutL * EDGES_PER_NEIGHBOUR * n * k * epochs * ratio;
  return { knn, graph, init, layout, total: knn + graph + init + layout };
}
