import type { FuzzyGraph, KnnGraph, Matrix, PhaseName, PhaseTimings, ProgressEvent, UmapParams, UmapResult } from './types';
import { EngineInputError } from './types';
import { epochsFor } from './params';
import { ComputeCore, LocalPool, type ComputePool } from './compute-core';
import { finishKnn, knnProgress, planKnn, replayKnnStep, restoreCandidates, stepKnn, type KnnState, type KnnStepDelta, type StepRecorder } from './knn-phase';
import { meanDistance, smoothKnnDist } from './smooth-knn-dist';
import { fuzzySimplicialSet } from './fuzzy-simplicial-set';
import { initialEmbedding } from './initial-embedding';
import type { LayoutConstants } from './sgd-layout';
import { layoutGraph, makeEpochsPerSample } from './layout-graph';
import { optimizeLayoutEuclidean } from './optimize-layout';
import { findAbParams } from './find-ab-params';
import { deriveSeed } from './prng';
import { checkWarmStart, warmInitOf, type WarmStart } from './warm-start';
import { now, runSteps, type RunControl } from './run-steps';

/**
 * A complete, resumable snapshot of a run: plain numbers, strings and typed arrays, so it can be
 * posted between Workers or written to IndexedDB as it is. Restoring it continues at the exact
 * chunk or epoch where it was taken.
 */
export interface EngineCheckpoint {
  version: 1;
  n: number;
  d: number;
  params: UmapParams;
  phase: PhaseName | 'done';
  timings: PhaseTimings;
  log: string[];
  knnState: KnnState | null;
  knn: KnnGraph | null;
  graphRowsDone: number;
  rhos: Float32Array | null;
  sigmas: Float32Array | null;
  graph: FuzzyGraph | null;
  embedding: Float32Array | null;
  /** Epochs of the layout already applied to `embedding`. */
  epoch: number;
  /**
   * A layout started from given coordinates: its epochs and learning rate, and the coordinates until
   * the init step has put them in `embedding` (absent in checkpoints from before warm starts).
   */
  warm?: { init: Float32Array | null; nEpochs: number; learningRate: number } | null;
}

/**
 * What one step changed, to be applied to the state at the boundary before it: a checkpoint is a full
 * EngineCheckpoint (a base) followed by the deltas of the steps since, so each kNN chunk stores only
 * its own work instead of the whole neighbour state, and the graph and init, which are cheap to replay
 * from the kNN graph, never store the fuzzy graph. A layout delta holds the whole embedding, so it
 * replaces every layout delta before it.
 */
export type EngineStepDelta =
  | { kind: 'knn'; step: KnnStepDelta }
  /** Rows of rho/sigma; the last graph step (`final`) is replayed with the fuzzy union it ran. */
  | { kind: 'graph'; start: number; rhos: Float32Array; sigmas: Float32Array; final: boolean }
  /** The embedding after `epoch` layout epochs; epoch 0 is the init's result. */
  | { kind: 'layout'; epoch: number; embedding: Float32Array };

export interface EngineDelta {
  version: 1;
  /** The phase the step ran in. The end of kNN takes a new base; later phase changes are deltas. */
  phase: PhaseName;
  step: EngineStepDelta;
  timings: PhaseTimings;
  log: string[];
}

export interface EngineHooks {
  onProgress?(e: ProgressEvent & { label?: string }): void;
  onLog?(line: string): void;
  /** Called every few epochs with the live embedding (not a copy: copy it if you keep it). */
  onLayout?(embedding: Float32Array, epoch: number, nEpochs: number): void;
  /** Called after every completed chunk or epoch; the engine is at a clean boundary then. */
  onBoundary?(engine: UmapEngine): void | Promise<void>;
}

/**
 * Start past the phases that made this graph (a stored one of the same data and parameters): the kNN
 * graph starts at the graph phase, the fuzzy graph at init. The run is then the one that made it.
 */
export type GraphStart = { knn: KnnGraph } | { graph: FuzzyGraph };

const GRAPH_ROWS_PER_STEP = 4096;

export class UmapEngine {
  readonly core: ComputeCore;
  private pool: ComputePool;
  private cp: EngineCheckpoint;
  /** Set once the pool holds the layout graph (after a restore too: it is rebuilt, not stored). */
  private layoutConsts: LayoutConstants | null = null;
  private candidatesRestored = false;
  /** Set when deltas are kept: each step leaves what it changed here (null after a phase change). */
  private recorder: StepRecorder | null = null;
  private lastDelta: EngineStepDelta | null = null;
  private lastPhase: PhaseName | null = null;
  /** A map given with the rows (a precomputed one): the run stops after kNN with it as the embedding. */
  private readonly given: Float32Array | null;

  constructor(
    readonly input: Matrix,
    params: UmapParams,
    private hooks: EngineHooks = {},
    options: {
      pool?: ComputePool;
      core?: ComputeCore;
      checkpoint?: EngineCheckpoint;
      deltas?: EngineDelta[];
      recordDeltas?: boolean;
      start?: GraphStart;
      /**
       * The map of these rows is already known (n × nComponents, e.g. fitted elsewhere): only the kNN
       * phase runs, so a model for placing new points can be kept, and the run ends with this map. A
       * resumed run is given it again (the checkpoint does not store it).
       */
      given?: Float32Array;
      warm?: WarmStart;
    } = {},
  ) {
    const { n, d, data } = input;
    if (data.length !== n * d) throw new EngineInputError(`The data has ${data.length} values, but ${n} × ${d} = ${n * d} were expected.`);
    const k = (options.checkpoint?.params ?? params).nComponents;
    if (options.given && options.given.length !== n * k)
      throw new EngineInputError(`The given map has ${options.given.length} coordinates, but ${n} points × ${k} = ${n * k} were expected.`);
    this.given = options.given ?? null;
    this.core = options.core ?? new ComputeCore(data, n, d, params.metric);
    this.pool = options.pool ?? new LocalPool(this.core);
    if (options.recordDeltas) this.recorder = { delta: null };
    if (options.checkpoint) {
      const c = options.checkpoint;
      if (c.version !== 1 || c.n !== n || c.d !== d) throw new Error('The checkpoint does not belong to this dataset.');
      this.cp = c;
      for (const delta of options.deltas ?? []) this.applyDelta(delta);
    } else {
      const knn = options.start && 'knn' in options.start ? options.start.knn : null;
      const graph = options.start && 'graph' in options.start ? options.start.graph : null;
      if ((knn ?? graph) && (knn ?? graph)!.n !== n) throw new Error('The given graph does not belong to this dataset.');
      if (knn && knn.k !== params.nNeighbors) throw new Error(`The given kNN graph has ${knn.k} neighbours per point, not n_neighbors = ${params.nNeighbors}.`);
      const phase = graph ? 'init' : knn ? 'graph' : 'knn';
      const timings = { knn: 0, graph: 0, init: 0, layout: 0 };
      const w = options.warm;
      if (w) checkWarmStart(w, n, params.nComponents);
      // The coordinates travel in the checkpoint until the init step uses them, so a run resumed from
      // any earlier boundary starts its layout from the same map.
      const warm = w ? { init: w.init, nEpochs: w.nEpochs, learningRate: w.learningRate } : null;
      this.cp = { version: 1, n, d, params, phase, timings, log: [], knnState: null, knn, graphRowsDone: 0, rhos: null, sigmas: null, graph, embedding: null, epoch: 0, warm };
    }
  }

  get params(): UmapParams {
    return this.cp.params;
  }
  get phase(): PhaseName | 'done' {
    return this.cp.phase;
  }

  /** The state to save. Valid between steps (e.g. from onBoundary, or after run() returns). */
  checkpoint(): EngineCheckpoint {
    return this.cp;
  }

  /**
   * What the last step changed, relative to the boundary before it, or null when it cannot be stored
   * as a delta (a phase change, or deltas are not recorded): then save checkpoint() instead. Like
   * checkpoint(), it may share arrays with the live state: clone it before the next step.
   */
  delta(): EngineDelta | null {
    if (!this.lastDelta || !this.lastPhase || this.cp.phase === 'done') return null;
    return { version: 1, phase: this.lastPhase, step: this.lastDelta, timings: { ...this.cp.timings }, log: [...this.cp.log] };
  }

  /** Replay a stored delta on top of the restored checkpoint (in the order they were taken). */
  private applyDelta(d: EngineDelta): void {
    const cp = this.cp;
    const st = d.step;
    // A layout state applies wherever the graph is complete: after the init step or a later epoch.
    const follows = st.kind === 'layout' ? cp.phase === 'init' || cp.phase === 'layout' : d.phase === cp.phase;
    if (d.version !== 1 || !follows) throw new Error(`A stored step (${d.phase}) does not follow the checkpoint (${cp.phase}).`);
    if (st.kind === 'knn') replayKnnStep(cp.knnState!, st.step, this.core, this.input.n);
    else if (st.kind === 'graph') {
      cp.rhos ??= new Float32Array(cp.n);
      cp.sigmas ??= new Float32Array(cp.n);
      cp.rhos.set(st.rhos, st.start);
      cp.sigmas.set(st.sigmas, st.start);
      cp.graphRowsDone = st.start + st.rhos.length;
      if (st.final) this.finishGraph(false);
    } else {
      cp.embedding = st.embedding;
      cp.epoch = st.epoch;
      cp.phase = 'layout';
    }
    cp.timings = { ...d.timings };
    cp.log = [...d.log];
  }

  log(line: string): void {
    this.cp.log.push(line);
    this.hooks.onLog?.(line);
  }

  /** Run until done or until control.shouldStop() answers true at a boundary. */
  run(control: RunControl = {}): Promise<'done' | 'stopped'> {
    return runSteps(this, control, () => this.hooks.onBoundary?.(this));
  }

  result(): UmapResult {
    if (this.cp.phase !== 'done' || !this.cp.embedding) throw new Error('The run has not finished.');
    const w = this.cp.warm;
    return {
      ...(w ? { warmStart: { nEpochs: w.nEpochs, learningRate: w.learningRate } } : {}),
      embedding: this.cp.embedding,
      n: this.cp.n,
      nComponents: this.cp.params.nComponents,
      params: this.cp.params,
      timings: { ...this.cp.timings },
      log: [...this.cp.log],
    };
  }

  /** One unit of work in the current phase. */
  async step(): Promise<void> {
    this.lastDelta = null;
    this.lastPhase = this.cp.phase === 'done' ? null : this.cp.phase;
    if (this.given && this.cp.phase !== 'knn' && this.cp.phase !== 'done') return this.finishGiven(this.given);
    switch (this.cp.phase) {
      case 'knn':
        return this.stepKnn();
      case 'graph':
        return this.stepGraph();
      case 'init':
        return this.stepInit();
      case 'layout':
        return this.stepLayout();
    }
  }

  private emit(phase: PhaseName, done: number, total: number, unit: ProgressEvent['unit'], label?: string): void {
    this.hooks.onProgress?.({ phase, done, total, unit, label });
  }

  private async stepKnn(): Promise<void> {
    const { n } = this.input;
    const p = this.cp.params;
    if (!this.cp.knnState) {
      this.cp.knnState = planKnn({ n, nNeighbors: p.nNeighbors, chunkSize: p.knnChunkSize, exactMaxN: p.exactKnnMaxN, seed: p.seed });
      const s = this.cp.knnState;
      this.log(
        s.mode === 'exact'
          ? `kNN: exact search (n = ${n} ≤ ${p.exactKnnMaxN}), ${p.knnChunkSize}-point chunks, ${this.pool.size} worker(s).`
          : `kNN: ${s.nTrees} RP trees (leaves ≤ ${s.leafSize}) + NN-descent (≤ ${s.maxIterations} iterations), ${p.knnChunkSize}-point chunks, ${this.pool.size} worker(s).`,
      );
      this.candidatesRestored = true;
    }
    const s = this.cp.knnState;
    if (!this.candidatesRestored) {
      await restoreCandidates(s, this.pool);
      this.candidatesRestored = true;
    }
    const finished = await stepKnn(s, this.pool, this.core, n, p.metric, this.recorder);
    if (this.recorder?.delta) this.lastDelta = finished ? null : { kind: 'knn', step: this.recorder.delta };
    const pr = knnProgress(s, n);
    this.emit('knn', pr.done, pr.total, s.mode === 'exact' ? 'points' : 'steps', pr.label);
    if (finished) {
      if (s.mode === 'approx') this.log(`kNN: NN-descent stopped after ${s.iteration} iterations.`);
      this.cp.knn = finishKnn(s, n, p.nNeighbors);
      this.cp.knnState = null;
      this.cp.phase = 'graph';
    }
  }

  private async stepGraph(): Promise<void> {
    const knn = this.cp.knn!;
    const n = knn.n;
    this.cp.rhos ??= new Float32Array(n);
    this.cp.sigmas ??= new Float32Array(n);
    const start = this.cp.graphRowsDone;
    const end = Math.min(n, start + GRAPH_ROWS_PER_STEP);
    smoothKnnDist(knn, this.cp.params.localConnectivity, meanDistance(knn), start, end, this.cp.rhos, this.cp.sigmas);
    this.cp.graphRowsDone = end;
    if (this.recorder) this.lastDelta = { kind: 'graph', start, rhos: this.cp.rhos.slice(start, end), sigmas: this.cp.sigmas.slice(start, end), final: end >= n };
    this.emit('graph', end, n, 'points');
    if (end >= n) this.finishGraph(true);
  }

  /** The fuzzy union once every row is smoothed; run live, and again when a stored step is replayed. */
  private finishGraph(live: boolean): void {
    const cp = this.cp;
    cp.graph = fuzzySimplicialSet(cp.knn!, cp.rhos!, cp.sigmas!, cp.params.setOpMixRatio);
    if (live) this.log(`Graph: ${cp.graph.rows.length} directed edges after the fuzzy union.`);
    // The kNN graph is not needed past this point.
    cp.rhos = cp.sigmas = null;
    cp.knn = null;
    cp.phase = 'init';
  }

  private async stepInit(): Promise<void> {
    const warm = this.cp.warm;
    if (warm?.init) {
      this.cp.embedding = warmInitOf(warm.init);
      // From here the embedding holds the map: the checkpoint need not carry it twice.
      warm.init = null;
      this.log(`Init: started from the given map (warm start): ${warm.nEpochs} epochs at learning rate ${warm.learningRate}.`);
    } else {
      this.emit('init', 0, 1, 'steps', 'spectral');
      this.cp.embedding = initialEmbedding(
        this.cp.graph!,
        this.input,
        this.cp.params,
        (done, total, label) => this.emit('init', done, total, 'steps', label),
        (line) => this.log(line),
      );
    }
    this.emit('init', 1, 1, 'steps');
    this.cp.phase = 'layout';
    this.cp.epoch = 0;
    if (this.recorder) this.lastDelta = { kind: 'layout', epoch: 0, embedding: this.cp.embedding };
  }

  /**
   * A given map's run ends once its kNN graph is known (or was taken from the graph cache): that map is
   * the result. The kNN graph stays in the final state, for the model kept from it.
   */
  private finishGiven(map: Float32Array): void {
    const cp = this.cp;
    cp.embedding = map;
    cp.graph = null;
    cp.rhos = cp.sigmas = null;
    cp.phase = 'done';
    this.log(`Map: the given ${cp.params.nComponents}-D coordinates of ${cp.n} points, as they are (no layout runs); the kNN graph is kept for adding points.`);
  }

  private async stepLayout(): Promise<void> {
    const p = this.cp.params;
    const n = this.input.n;
    const warm = this.cp.warm;
    const nEpochs = warm ? warm.nEpochs : epochsFor(p, n);
    if (this.cp.epoch >= nEpochs) {
      // A warm start of 0 epochs: the given map, rescaled, is the result.
      this.finishLayout();
      return;
    }
    if (!this.layoutConsts) {
      // The layout graph is cheap to derive from the fuzzy graph, so it is rebuilt, not checkpointed.
      const fuzzy = this.cp.graph!;
      const g = layoutGraph(fuzzy, makeEpochsPerSample(fuzzy.weights, nEpochs));
      const { a, b } = findAbParams(p.spread, p.minDist);
      const consts: LayoutConstants = {
        a,
        b,
        gamma: p.repulsionStrength,
        initialAlpha: warm ? warm.learningRate : p.learningRate,
        negativeSampleRate: p.negativeSampleRate,
        nComponents: p.nComponents,
        nEpochs,
        seed: deriveSeed(p.seed, 5),
      };
      await this.pool.setLayout(g, consts);
      this.layoutConsts = consts;
      if (this.cp.epoch === 0) this.log(`Layout: ${nEpochs} epochs over ${g.tail.length} edges (a = ${a.toFixed(3)}, b = ${b.toFixed(3)}).`);
    }
    const emb = this.cp.embedding!;
    const consts = this.layoutConsts;
    // Several epochs per step when epochs are tiny, so small jobs don't pay a yield per epoch.
    const t0 = now();
    if (this.pool.layoutEpochs) {
      // Up to the next multiple of 5 in one call: the same boundaries as the loop below.
      const to = this.cp.epoch + Math.min(5 - (this.cp.epoch % 5), nEpochs - this.cp.epoch);
      await optimizeLayoutEuclidean(emb, this.cp.epoch, to, consts, this.pool);
      this.cp.epoch = to;
    } else {
      do {
        await optimizeLayoutEuclidean(emb, this.cp.epoch, this.cp.epoch + 1, consts, this.pool);
        this.cp.epoch++;
      } while (this.cp.epoch < nEpochs && now() - t0 < 25 && this.cp.epoch % 5 !== 0);
    }
    this.emit('layout', this.cp.epoch, nEpochs, 'epochs');
    if (this.cp.epoch % 5 === 0 || this.cp.epoch >= nEpochs) this.hooks.onLayout?.(emb, this.cp.epoch, nEpochs);
    if (this.recorder && this.cp.epoch < nEpochs) this.lastDelta = { kind: 'layout', epoch: this.cp.epoch, embedding: emb };
    if (this.cp.epoch >= nEpochs) this.finishLayout();
  }

  private finishLayout(): void {
    this.cp.graph = null;
    this.cp.knn = null;
    this.cp.phase = 'done';
  }
}
