import type { Matrix, PhaseName, ProgressEvent, UmapParams, UmapResult } from './types';
import type { EngineCheckpoint, EngineDelta, EngineStepDelta, GraphStart } from './engine-state';
import { EngineInputError } from './types';
import { epochsFor } from './params';
import { ComputeCore, LocalPool, type ComputePool } from './compute-core';
import { finishKnn, knnProgress, planKnn, replayKnnStep, restoreCandidates, stepKnn, upgradeKnnState, type StepRecorder } from './knn-phase';
import { meanDistance, smoothKnnDist } from './smooth-knn-dist';
import { FuzzyUnion, fuzzySimplicialSet } from './fuzzy-simplicial-set';
import { InitSteps } from './initial-embedding';
import { LayoutPhase } from './layout-phase';
import { AdaptivePacer, type StepPacer } from './step-pacer';
import { checkWarmStart, warmInitOf, type WarmStart } from './warm-start';
import { now, runSteps, type RunControl } from './run-steps';
import { releaseArrays } from './release';

export type { EngineCheckpoint, EngineDelta, EngineStepDelta, GraphStart } from './engine-state';

export interface EngineHooks {
  onProgress?(e: ProgressEvent & { label?: string }): void;
  onLog?(line: string): void;
  /** Called every few epochs with the live embedding (not a copy: copy it if you keep it). */
  onLayout?(embedding: Float32Array, epoch: number, nEpochs: number): void;
  /** Called after every completed chunk or epoch; the engine is at a clean boundary then. */
  onBoundary?(engine: UmapEngine): void | Promise<void>;
}

/** The graph phase's first step (rows of smoothKnnDist); the pacer sizes the ones after it. */
const GRAPH_ROWS_FIRST = 4096;

/**
 * Work in progress that no checkpoint holds (large, and quick to redo): the fuzzy union and the
 * spectral solve (a split epoch is LayoutPhase's). A checkpoint taken meanwhile is the state from
 * before it, and a run resumed from there starts it again, with the same result.
 */
type Unsaved = { kind: 'union'; union: FuzzyUnion } | { kind: 'init'; init: InitSteps };

export class UmapEngine {
  readonly core: ComputeCore;
  private pool: ComputePool;
  private cp: EngineCheckpoint;
  private readonly layout: LayoutPhase;
  private candidatesRestored = false;
  /** Set when deltas are kept: each step leaves what it changed here (null after a phase change). */
  private recorder: StepRecorder | null = null;
  private lastDelta: EngineStepDelta | null = null;
  private lastPhase: PhaseName | null = null;
  /** A map given with the rows (a precomputed one): the run stops after kNN with it as the embedding. */
  private readonly given: Float32Array | null;
  private readonly pacer: StepPacer;
  private unsaved: Unsaved | null = null;
  /** False when the last step changed nothing a checkpoint holds (see stateChanged). */
  private changed = true;

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
      /** How much work each step takes on (default: what the measured rate does in STEP_TARGET_MS). */
      pacer?: StepPacer;
    } = {},
  ) {
    const { n, d, data } = input;
    if (data.length !== n * d) throw new EngineInputError(`The data has ${data.length} values, but ${n} × ${d} = ${n * d} were expected.`);
    const k = (options.checkpoint?.params ?? params).nComponents;
    if (options.given && options.given.length !== n * k)
      throw new EngineInputError(`The given map has ${options.given.length} coordinates, but ${n} points × ${k} = ${n * k} were expected.`);
    this.given = options.given ?? null;
    this.pacer = options.pacer ?? new AdaptivePacer();
    this.core = options.core ?? new ComputeCore(data, n, d, params.metric);
    this.pool = options.pool ?? new LocalPool(this.core);
    this.layout = new LayoutPhase(this.pool, this.pacer);
    if (options.recordDeltas) this.recorder = { delta: null };
    if (options.checkpoint) {
      const c = options.checkpoint;
      if (c.version !== 1 || c.n !== n || c.d !== d) throw new Error('The checkpoint does not belong to this dataset.');
      this.cp = c;
      if (c.knnState) upgradeKnnState(c.knnState, n);
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
   * False when the last step changed nothing that a checkpoint holds: a step inside the fuzzy union,
   * the spectral solve or a split epoch (whose work no checkpoint keeps), or the union's last step
   * (replaying the graph's last rows runs the union again). The checkpoint saved before it still
   * describes the run exactly, so nothing need be saved at such a boundary.
   */
  get stateChanged(): boolean {
    return this.changed;
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
      if (st.final) this.finishGraph();
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
    this.changed = true;
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
    const outcome = await stepKnn(s, this.pool, this.core, n, p.metric, this.recorder, this.pacer);
    const finished = outcome === 'done';
    if (outcome === 'unsaved') this.changed = false;
    if (this.recorder?.delta) this.lastDelta = finished ? null : { kind: 'knn', step: this.recorder.delta };
    const pr = knnProgress(s, n);
    this.emit('knn', pr.done, pr.total, s.mode === 'exact' ? 'points' : 'steps', pr.label);
    if (finished) {
      if (s.mode === 'approx') this.log(`kNN: NN-descent stopped after ${s.iteration} iterations.`);
      this.cp.knn = finishKnn(s, n, p.nNeighbors);
      this.cp.knnState = null;
      // The heaps are copied into the graph: 135 MB at a million points, freed now (release.ts).
      releaseArrays(s.indices, s.distances, s.flags);
      this.cp.phase = 'graph';
    }
  }

  private async stepGraph(): Promise<void> {
    const knn = this.cp.knn!;
    const n = knn.n;
    this.cp.rhos ??= new Float32Array(n);
    this.cp.sigmas ??= new Float32Array(n);
    const start = this.cp.graphRowsDone;
    if (start >= n) return this.stepUnion();
    const t0 = now();
    const end = Math.min(n, start + this.pacer.units('graph', GRAPH_ROWS_FIRST));
    const args = [knn, this.cp.params.localConnectivity, meanDistance(knn), start, end, this.cp.rhos, this.cp.sigmas] as const;
    if (this.pool.smoothKnnDist) await this.pool.smoothKnnDist(...args);
    else smoothKnnDist(...args);
    this.pacer.record('graph', end - start, now() - t0);
    this.cp.graphRowsDone = end;
    if (this.recorder) this.lastDelta = { kind: 'graph', start, rhos: this.cp.rhos.slice(start, end), sigmas: this.cp.sigmas.slice(start, end), final: end >= n };
    // Smoothing fills the first half of the phase's progress, the union (stepUnion) the second.
    this.emit('graph', Math.floor(end / 2), n, 'points', 'smoothing distances');
  }

  /** A paced piece of the fuzzy union, once every row is smoothed (a replayed last row runs it whole). */
  private stepUnion(): void {
    const cp = this.cp;
    const n = cp.n;
    if (this.unsaved?.kind !== 'union') this.unsaved = { kind: 'union', union: new FuzzyUnion(cp.knn!, cp.rhos!, cp.sigmas!, cp.params.setOpMixRatio) };
    const { union } = this.unsaved;
    this.changed = false;
    const t0 = now();
    const from = union.done;
    // Each pass paced on its own (their rates differ), its first piece small (~0.1 s) until its rate is known.
    const work = `union-${union.pass}`;
    const graph = union.advance(this.pacer.units(work, Math.min(n, 1 << 16)), true);
    this.pacer.record(work, union.done - from, now() - t0);
    this.emit('graph', Math.floor(n / 2 + (union.done / union.total) * (n / 2)), n, 'points', 'fuzzy union');
    if (!graph) return;
    this.unsaved = null;
    this.finishGraph(graph);
    this.log(`Graph: ${graph.rows.length} directed edges after the fuzzy union.`);
  }

  /** The graph phase's end: live after the union's last piece, or replaying the graph's last rows. */
  private finishGraph(graph = fuzzySimplicialSet(this.cp.knn!, this.cp.rhos!, this.cp.sigmas!, this.cp.params.setOpMixRatio)): void {
    const cp = this.cp;
    cp.graph = graph;
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
      if (this.unsaved?.kind !== 'init') {
        this.emit('init', 0, 1, 'steps', 'spectral');
        this.unsaved = { kind: 'init', init: new InitSteps(this.cp.graph!, this.input, this.cp.params, (line) => this.log(line), this.pool) };
      }
      const { init } = this.unsaved;
      const embedding = await init.run(this.pacer);
      if (!embedding) {
        this.changed = false;
        const pr = init.progress;
        this.emit('init', Math.min(pr.done, pr.total - 1), pr.total, 'steps', pr.label);
        return;
      }
      this.unsaved = null;
      this.cp.embedding = embedding;
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
    const emb = this.cp.embedding!;
    const unfinished = await this.layout.step(this.cp, nEpochs, (line) => this.log(line));
    if (unfinished !== null) {
      // Inside a split epoch, or while the layout graph is built, nothing checkpointed moved; a forced
      // save (a stop) stores the epoch's start.
      this.changed = false;
      if (this.recorder) this.lastDelta = { kind: 'layout', epoch: this.cp.epoch, embedding: emb };
      this.emit('layout', this.cp.epoch, nEpochs, 'epochs', unfinished);
      return;
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
