import type { Matrix, PhaseName, PhaseTimings, ProgressEvent } from './types';
import { EngineInputError } from './types';
import { runSteps, type RunControl } from './run-steps';
import { transformEpochsFor, type FittedModel } from './fitted-model';
import { pointKeys } from './transform-knn';
import { initRange, membershipRange } from './transform-layout';
import { LocalTransformPool, TransformCore, type TransformPool } from './transform-core';
import { deriveSeed } from './prng';
import type { LayoutConstants } from './sgd-layout';

export { LocalTransformPool, SplitTransformPool, TransformCore, type TransformPool, type TransformWorker } from './transform-core';
export { pointKeys } from './transform-knn';
export { buildFittedModel, fittedModelOf, knnKeeper, recomputeKnnGraph, transformEpochsFor, type FittedModel, type FittedParts } from './fitted-model';

/**
 * Placing new points into a finished map without moving it (umap-learn's UMAP.transform): find each
 * new point's neighbours among the fitted points, weigh the edges, start it at their weighted mean,
 * then run SGD on the new points alone against the fixed map. Like the fit it stops at chunk and
 * epoch boundaries, and its checkpoint is plain typed arrays that resume exactly.
 */

export interface TransformOptions {
  /** Seed of the search's random starts and the SGD's draws; default: the fit's seed. */
  seed?: number;
  /** Per-point ids to key the random draws by; default: each point's row content. */
  ids?: ArrayLike<number>;
  /** Epochs of SGD; default: as many as the fit ran (see transformEpochsFor). */
  nEpochs?: number;
  /** New points per kNN step; default: the fit's kNN chunk size. */
  chunkSize?: number;
  /** Up to this many fitted points the search is exact; default: the fit's exactKnnMaxN. */
  exactMaxN?: number;
  /** Search slack of the graph search; default umap-learn's: 0.12 (euclidean), 0.24 (cosine). */
  epsilon?: number;
}

export interface TransformCheckpoint {
  version: 1;
  kind: 'transform';
  fittedN: number;
  m: number;
  d: number;
  k: number;
  nComponents: number;
  seed: number;
  nEpochs: number;
  chunkSize: number;
  mode: 'exact' | 'graph';
  epsilon: number;
  keys: Uint32Array;
  phase: PhaseName | 'done';
  timings: PhaseTimings;
  log: string[];
  /** New points whose neighbours are found (a multiple of chunkSize until the end). */
  knnDone: number;
  indices: Int32Array;
  distances: Float32Array;
  graphDone: number;
  weights: Float32Array | null;
  initDone: number;
  embedding: Float32Array | null;
  /** Epochs of SGD already applied to `embedding`. */
  epoch: number;
}

export interface TransformHooks {
  onProgress?(e: ProgressEvent & { label?: string }): void;
  onLog?(line: string): void;
  /** After every chunk or epoch step; the engine is at a clean boundary then. */
  onBoundary?(engine: TransformEngine): void | Promise<void>;
}

export interface TransformResult {
  /** m × nComponents positions of the new points in the fitted map. */
  embedding: Float32Array;
  m: number;
  nComponents: number;
  /** Each new point's k nearest fitted points (m × k) and distances, nearest first. */
  indices: Int32Array;
  distances: Float32Array;
  k: number;
  timings: PhaseTimings;
  log: string[];
}

const GRAPH_ROWS_PER_STEP = 4096;
const INIT_ROWS_PER_STEP = 65_536;

/** SGD epochs per step: a boundary (stop check, checkpoint) every few epochs, at fixed epochs. */
const EPOCHS_PER_STEP = 5;

export class TransformEngine {
  private cp: TransformCheckpoint;
  private readonly pool: TransformPool;
  private layoutReady = false;

  constructor(
    readonly model: FittedModel,
    readonly queries: Matrix,
    options: TransformOptions = {},
    private hooks: TransformHooks = {},
    resume: {
      checkpoint?: TransformCheckpoint;
      /**
       * Where kNN chunks and epochs run (the job's Workers), holding the model and these rows with
       * the checkpoint's keys, or `pointKeys(data, m, d, ids)` on a fresh start. Default: this thread.
       */
      pool?: TransformPool;
    } = {},
  ) {
    const { data, n: m, d } = queries;
    if (d !== model.d) throw new EngineInputError(`The new points have ${d} dimensions, but the map was fitted on ${model.d}.`);
    if (data.length !== m * d) throw new EngineInputError(`The new points have ${data.length} values, but ${m} × ${d} = ${m * d} were expected.`);
    for (let t = 0; t < data.length; t++) {
      if (!Number.isFinite(data[t]!)) throw new EngineInputError(`New point ${Math.floor(t / d) + 1} has a value that is not a finite number (column ${(t % d) + 1}).`);
    }
    if (options.ids && options.ids.length !== m) throw new EngineInputError(`There are ${options.ids.length} ids for ${m} new points.`);
    const c = resume.checkpoint;
    if (c) {
      if (c.version !== 1 || c.kind !== 'transform' || c.m !== m || c.d !== d || c.fittedN !== model.n) throw new Error('The checkpoint does not belong to this map and these new points.');
      this.cp = c;
    } else {
      const k = Math.min(model.nNeighbors, model.n);
      const exactMaxN = options.exactMaxN ?? model.exactKnnMaxN;
      this.cp = {
        version: 1,
        kind: 'transform',
        fittedN: model.n,
        m,
        d,
        k,
        nComponents: model.nComponents,
        seed: options.seed ?? model.seed,
        nEpochs: options.nEpochs ?? transformEpochsFor(model),
        chunkSize: Math.max(1, options.chunkSize ?? model.knnChunkSize),
        mode: model.n <= exactMaxN ? 'exact' : 'graph',
        epsilon: options.epsilon ?? (model.metric === 'cosine' ? 0.24 : 0.12),
        keys: pointKeys(data, m, d, options.ids),
        phase: m === 0 ? 'done' : 'knn',
        timings: { knn: 0, graph: 0, init: 0, layout: 0 },
        log: [],
        knnDone: 0,
        indices: new Int32Array(m * k),
        distances: new Float32Array(m * k),
        graphDone: 0,
        weights: null,
        initDone: 0,
        embedding: m === 0 ? new Float32Array(0) : null,
        epoch: 0,
      };
    }
    const keys = this.cp.keys;
    this.pool = resume.pool ?? new LocalTransformPool(new TransformCore(model, data, m, keys));
  }

  get phase(): PhaseName | 'done' {
    return this.cp.phase;
  }

  /** The state to save: valid between steps. It shares arrays with the live state; clone it to keep it. */
  checkpoint(): TransformCheckpoint {
    return this.cp;
  }

  log(line: string): void {
    this.cp.log.push(line);
    this.hooks.onLog?.(line);
  }

  run(control: RunControl = {}): Promise<'done' | 'stopped'> {
    return runSteps(this, control, () => this.hooks.onBoundary?.(this));
  }

  result(): TransformResult {
    const c = this.cp;
    if (c.phase !== 'done' || !c.embedding) throw new Error('The transform has not finished.');
    return { embedding: c.embedding, m: c.m, nComponents: c.nComponents, indices: c.indices, distances: c.distances, k: c.k, timings: { ...c.timings }, log: [...c.log] };
  }

  /** One unit of work in the current phase. */
  async step(): Promise<void> {
    switch (this.cp.phase) {
      case 'knn':
        await this.stepKnn();
        break;
      case 'graph':
        this.stepGraph();
        break;
      case 'init':
        this.stepInit();
        break;
      case 'layout':
        await this.stepLayout();
        break;
    }
  }

  private emit(phase: PhaseName, done: number, total: number, unit: ProgressEvent['unit'], label?: string): void {
    this.hooks.onProgress?.({ phase, done, total, unit, label });
  }

  private async stepKnn(): Promise<void> {
    const c = this.cp;
    if (c.knnDone === 0) {
      this.log(
        c.mode === 'exact'
          ? `Transform kNN: exact search of ${c.m} new point(s) among ${c.fittedN} fitted points, ${c.chunkSize}-point chunks.`
          : `Transform kNN: graph search of ${c.m} new point(s) among ${c.fittedN} fitted points (epsilon ${c.epsilon}), ${c.chunkSize}-point chunks.`,
      );
    }
    const start = c.knnDone;
    const end = Math.min(c.m, start + c.chunkSize);
    const r = await this.pool.transformKnn(start, end, c.k, c.mode, c.epsilon, deriveSeed(c.seed, 21));
    c.indices.set(r.indices, start * c.k);
    c.distances.set(r.distances, start * c.k);
    c.knnDone = end;
    this.emit('knn', end, c.m, 'points', `${c.mode === 'exact' ? 'exact' : 'graph search'}, ${end} of ${c.m}`);
    if (end >= c.m) c.phase = 'graph';
  }

  private stepGraph(): void {
    const c = this.cp;
    c.weights ??= new Float32Array(c.m * c.k);
    const start = c.graphDone;
    const end = Math.min(c.m, start + GRAPH_ROWS_PER_STEP);
    const mdl = this.model;
    membershipRange(c.indices, c.distances, c.k, start, end, mdl.localConnectivity, mdl.meanKnnDistance, mdl.metric, c.weights);
    c.graphDone = end;
    this.emit('graph', end, c.m, 'points');
    if (end >= c.m) c.phase = 'init';
  }

  private stepInit(): void {
    const c = this.cp;
    const dim = c.nComponents;
    c.embedding ??= new Float32Array(c.m * dim);
    const start = c.initDone;
    const end = Math.min(c.m, start + INIT_ROWS_PER_STEP);
    initRange(c.indices, c.weights!, c.k, start, end, this.model.embedding, dim, c.embedding);
    c.initDone = end;
    this.emit('init', end, c.m, 'steps', 'weighted mean of fitted neighbours');
    if (end >= c.m) {
      c.phase = 'layout';
      this.log(`Transform layout: ${c.nEpochs} epochs of ${c.m} new point(s) against the fixed map.`);
    }
  }

  private async stepLayout(): Promise<void> {
    const c = this.cp;
    const mdl = this.model;
    if (!this.layoutReady) {
      const consts: LayoutConstants = {
        a: mdl.a,
        b: mdl.b,
        gamma: mdl.repulsionStrength,
        initialAlpha: mdl.learningRate / 4, // umap-learn starts the transform's SGD at a quarter of the fit's learning rate
        negativeSampleRate: mdl.negativeSampleRate,
        nComponents: c.nComponents,
        nEpochs: c.nEpochs,
        seed: deriveSeed(c.seed, 22),
      };
      await this.pool.setTransformLayout(c.indices, c.weights!, c.k, consts);
      this.layoutReady = true;
    }
    // Up to the next multiple of EPOCHS_PER_STEP, so the boundaries fall on the same epochs in every run.
    const to = Math.min(c.nEpochs, (Math.floor(c.epoch / EPOCHS_PER_STEP) + 1) * EPOCHS_PER_STEP);
    await this.pool.transformEpochs(c.embedding!, c.epoch, to);
    c.epoch = to;
    this.emit('layout', c.epoch, c.nEpochs, 'epochs');
    if (c.epoch >= c.nEpochs) c.phase = 'done';
  }
}

/** Place new points into a fitted map in one call (in-process, no stops). */
export async function transform(model: FittedModel, queries: Matrix, options: TransformOptions = {}, hooks: TransformHooks = {}): Promise<TransformResult> {
  const e = new TransformEngine(model, queries, options, hooks);
  await e.run();
  return e.result();
}
