import type { KnnGraph, Metric, UmapParams } from './types';
import { EngineInputError } from './types';
import type { UmapEngine } from './engine';
import { LocalPool, type ComputeCore } from './compute-core';
import { finishKnn, planKnn, runKnn } from './knn-phase';
import { findAbParams } from './find-ab-params';
import { autoEpochs } from './params';
import { deriveSeed } from './prng';
import { inverseNorms, queryDistance } from './query-distance';
import { buildSearchGraph, buildSearchTree, type SearchIndex } from './transform-index';

/**
 * Everything `transform` needs of a finished fit, as plain numbers and typed arrays: it can be posted
 * to a Worker or written to IndexedDB as it is, and a transform never writes into it.
 */
export interface FittedModel {
  version: 1;
  n: number;
  d: number;
  metric: Metric;
  /** The fitted rows, n × d: a copy, so the model does not hold on to (possibly shared) input memory. */
  data: Float32Array;
  nComponents: 2 | 3;
  /** The fitted map, n × nComponents. */
  embedding: Float32Array;
  /** The fit's kNN graph, n × k, each point first at distance 0 (as the fit's graph phase used it). */
  knnIndices: Int32Array;
  knnDistances: Float32Array;
  k: number;
  /** Mean of the fit's kNN distances: the floor smooth kNN distances put under sigma. */
  meanKnnDistance: number;
  a: number;
  b: number;
  nNeighbors: number;
  localConnectivity: number;
  setOpMixRatio: number;
  repulsionStrength: number;
  learningRate: number;
  negativeSampleRate: number;
  /** The fit's n_epochs parameter (null = auto); the transform's own epochs follow from it. */
  nEpochs: number | null;
  seed: number;
  /** Up to this many fitted points, new points' neighbours are searched exhaustively. */
  exactKnnMaxN: number;
  knnChunkSize: number;
  search: SearchIndex;
}

export interface FittedParts {
  data: Float32Array;
  n: number;
  d: number;
  params: UmapParams;
  embedding: Float32Array;
  knn: KnnGraph;
}

/** Graph-search degree cap, as a multiple of n_neighbors (pynndescent prunes to a similar multiple). */
const SEARCH_DEGREE = 2;

/** Build a model from a fit's pieces (the rows are copied; the embedding and kNN graph are copied too). */
export function buildFittedModel(parts: FittedParts): FittedModel {
  const { n, d, params: p, knn } = parts;
  const dim = p.nComponents;
  if (parts.data.length !== n * d) throw new EngineInputError(`The fitted data has ${parts.data.length} values, but ${n} × ${d} = ${n * d} were expected.`);
  if (parts.embedding.length !== n * dim) throw new EngineInputError(`The fitted map has ${parts.embedding.length} values, but ${n} × ${dim} were expected.`);
  if (knn.n !== n || knn.indices.length !== n * knn.k) throw new EngineInputError('The kNN graph does not belong to the fitted data.');
  const data = parts.data.slice();
  const inv = p.metric === 'cosine' ? inverseNorms(data, n, d) : null;
  const dist = queryDistance(p.metric, data, d, inv);
  const { a, b } = findAbParams(p.spread, p.minDist);
  const leafSize = Math.max(2 * p.nNeighbors, 24);
  return {
    version: 1,
    n,
    d,
    metric: p.metric,
    data,
    nComponents: dim,
    embedding: parts.embedding.slice(),
    knnIndices: knn.indices.slice(),
    knnDistances: knn.distances.slice(),
    k: knn.k,
    meanKnnDistance: meanFinite(knn),
    a,
    b,
    nNeighbors: p.nNeighbors,
    localConnectivity: p.localConnectivity,
    setOpMixRatio: p.setOpMixRatio,
    repulsionStrength: p.repulsionStrength,
    learningRate: p.learningRate,
    negativeSampleRate: p.negativeSampleRate,
    nEpochs: p.nEpochs,
    seed: p.seed,
    exactKnnMaxN: p.exactKnnMaxN,
    knnChunkSize: p.knnChunkSize,
    search: {
      tree: buildSearchTree(data, n, d, dist, inv, leafSize, deriveSeed(p.seed, 20)),
      graph: buildSearchGraph(knn, SEARCH_DEGREE * p.nNeighbors),
    },
  };
}

/**
 * The model of a finished run. The engine drops its kNN graph after the graph phase, so either pass
 * the graph kept during the run (see `knnKeeper`) or let it be recomputed here: the kNN phase is
 * deterministic for the data and parameters, so the recomputed graph is the one the fit used, at the
 * cost of running that phase again.
 */
export async function fittedModelOf(engine: UmapEngine, knn?: KnnGraph | null): Promise<FittedModel> {
  const r = engine.result();
  const { data, n, d } = engine.input;
  return buildFittedModel({ data, n, d, params: engine.params, embedding: r.embedding, knn: knn ?? (await recomputeKnn(engine)) });
}

/** An onBoundary hook that keeps the fit's kNN graph, which is only in the checkpoint during the graph phase. */
export function knnKeeper(): { knn: KnnGraph | null; onBoundary(engine: UmapEngine): void } {
  const keeper = {
    knn: null as KnnGraph | null,
    onBoundary(engine: UmapEngine) {
      keeper.knn ??= engine.checkpoint().knn;
    },
  };
  return keeper;
}

function recomputeKnn(engine: UmapEngine): Promise<KnnGraph> {
  return recomputeKnnGraph(engine.core, engine.params);
}

/** The kNN graph a fit with these parameters built on the core's rows: the kNN phase is deterministic. */
export async function recomputeKnnGraph(core: ComputeCore, p: UmapParams): Promise<KnnGraph> {
  const { n } = core;
  const pool = new LocalPool(core);
  const s = planKnn({ n, nNeighbors: p.nNeighbors, chunkSize: p.knnChunkSize, exactMaxN: p.exactKnnMaxN, seed: p.seed });
  await runKnn(s, pool, core, n, p.metric);
  return finishKnn(s, n, p.nNeighbors);
}

/** The fit's mean kNN distance, over the finite entries only: a slot the search never filled is Infinity. */
function meanFinite(knn: KnnGraph): number {
  let s = 0;
  let c = 0;
  for (let t = 0; t < knn.distances.length; t++) {
    const v = knn.distances[t]!;
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  return c ? s / c : 0;
}

/**
 * The transform's epochs: as many as the fit ran. umap-learn runs a third of them (or 100 for a small
 * batch and 30 for a large one when n_epochs was left unset); on digits (fit 1,500, add 297) new-point
 * recall@15 rises from 0.498 at a third to 0.505 at the full count and stays there (docs/benchmark.md).
 * The count follows the fitted map alone, so a point's placement does not depend on its batch.
 */
export function transformEpochsFor(model: FittedModel): number {
  return model.nEpochs ?? autoEpochs(model.n);
}
