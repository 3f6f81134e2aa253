// The layout phase's steps for UmapEngine: the layout graph built in paced chunks, then whole epochs
// while they are short, and an epoch split into ranges of points once one takes longer than a step (a
// million points on two cores: about a second).
import type { EngineCheckpoint } from './engine-state';
import type { ComputePool } from './compute-core';
import { deriveSeed } from './prng';
import { findAbParams } from './find-ab-params';
import { LayoutGraphBuild } from './layout-graph-build';
import { learningRate, optimizeLayoutEuclidean } from './optimize-layout';
import { now } from './run-steps';
import type { LayoutConstants, LayoutGraph } from './sgd-layout';
import type { StepPacer } from './step-pacer';

/** An epoch split over steps: its points [0, done) moved into `next`, read from the epoch-start map. */
interface EpochPart {
  epoch: number;
  next: Float32Array;
  done: number;
}

/** Before the rate is known: a whole epoch up to 262,144 points, a part of one above (~0.3 s of work). */
const firstPoints = (n: number) => Math.min(n, 1 << 18);

export class LayoutPhase {
  /** Set once the pool holds the layout graph (after a restore too: it is rebuilt, not stored). */
  private consts: LayoutConstants | null = null;
  /** Before that: the graph being built, then built and not yet handed to the pool. */
  private build: LayoutGraphBuild | null = null;
  private built: LayoutGraph | null = null;
  /**
   * Not checkpointed (a second embedding, and under a second's work to redo): a checkpoint taken
   * meanwhile holds the epoch's start, where a resumed run begins it again with the same result.
   */
  private part: EpochPart | null = null;

  constructor(
    private readonly pool: ComputePool,
    private readonly pacer: StepPacer,
  ) {}

  /**
   * Advance `cp.embedding` by whole epochs, or by part of one, or build the layout graph by a chunk;
   * returns a label for the work left unfinished (a split epoch's points, the graph's edges), cp then
   * unchanged, else null.
   */
  async step(cp: EngineCheckpoint, nEpochs: number, log: (line: string) => void): Promise<string | null> {
    if (!this.consts) {
      const tSetUp = now();
      const waiting = await this.setUp(cp, nEpochs, log);
      if (waiting !== null) return waiting;
      // At a million points the hand-over alone takes most of a step (a copy for the pool, one per
      // Worker's kernel), so the first epoch waits for the next step and progress is shown between.
      if (!this.pacer.more(tSetUp)) return 'layout graph: handed to the compute Workers';
    }
    const consts = this.consts!;
    const n = cp.n;
    const emb = cp.embedding!;
    const t0 = now();
    if (this.pool.layoutPoints && !this.pool.layoutEpochs && (this.part || this.pacer.units('layout', firstPoints(n)) < n)) return this.stepPart(cp, emb, consts);
    if (this.pool.layoutEpochs) {
      // Up to the next multiple of 5 in one call (the GPU reads back once per batch).
      const to = cp.epoch + Math.min(5 - (cp.epoch % 5), nEpochs - cp.epoch);
      await optimizeLayoutEuclidean(emb, cp.epoch, to, consts, this.pool);
      cp.epoch = to;
      return null;
    }
    // Several epochs per step when epochs are tiny, so small jobs don't pay a yield per epoch.
    const from = cp.epoch;
    do {
      await optimizeLayoutEuclidean(emb, cp.epoch, cp.epoch + 1, consts, this.pool);
      cp.epoch++;
    } while (cp.epoch < nEpochs && now() - t0 < 25 && cp.epoch % 5 !== 0);
    this.pacer.record('layout', (cp.epoch - from) * n, now() - t0);
    return null;
  }

  /**
   * One step of the set-up: a chunk of the layout graph, then (a step of its own, so the progress moves
   * between) handing it to the pool, which copies it to each Worker. Null once the pool has it.
   */
  private async setUp(cp: EngineCheckpoint, nEpochs: number, log: (line: string) => void): Promise<string | null> {
    const t0 = now();
    if (!this.built) {
      this.build ??= new LayoutGraphBuild(cp.graph!, nEpochs);
      this.built = this.build.step(this.pacer, t0);
      if (!this.built) return this.build.progress.label;
      this.build = null;
      if (!this.pacer.more(t0)) return 'layout graph: handing it to the compute Workers';
    }
    const g = this.built;
    const p = cp.params;
    const warm = cp.warm;
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
    const edges = g.tail.length;
    await this.pool.setLayout(g, consts);
    this.built = null;
    this.consts = consts;
    if (cp.epoch === 0) log(`Layout: ${nEpochs} epochs over ${edges} edges (a = ${a.toFixed(3)}, b = ${b.toFixed(3)}).`);
    return null;
  }

  /** The next range of the split epoch; each point moves from the epoch-start positions alone. */
  private async stepPart(cp: EngineCheckpoint, emb: Float32Array, consts: LayoutConstants): Promise<string | null> {
    const n = cp.n;
    const epoch = cp.epoch;
    if (this.part?.epoch !== epoch) this.part = { epoch, next: emb.slice(), done: 0 };
    const part = this.part;
    const t0 = now();
    const end = Math.min(n, part.done + this.pacer.units('layout', firstPoints(n)));
    await this.pool.layoutPoints!(epoch, learningRate(consts, epoch), emb, part.next, part.done, end);
    this.pacer.record('layout', end - part.done, now() - t0);
    part.done = end;
    if (end < n) return `epoch ${epoch + 1}: ${end} of ${n} points`;
    emb.set(part.next);
    this.part = null;
    cp.epoch++;
    return null;
  }
}
