// makeEpochsPerSample and layoutGraph as paced steps: at a million points the fuzzy graph holds ~24M
// edges, and the passes over them ran as one block of one to two seconds in which the progress stood
// still (docs/benchmark.md, "Progress gaps").
import type { FuzzyGraph } from './types';
import type { LayoutGraph } from './sgd-layout';
import { sampledWeight as sampled } from './layout-graph';
import { now } from './run-steps';
import type { StepPacer } from './step-pacer';

/** The passes over the fuzzy edges, in order. */
const PASSES = ['the largest weight', 'the sampled edges of each point', 'the sampled edges'] as const;

/** Edges in a pass's first chunk, before its rate is known: tens of milliseconds. */
const FIRST_EDGES = 1 << 20;

/**
 * The layout graph of `g`, built over several steps: the same arrays as
 * `layoutGraph(g, makeEpochsPerSample(g.weights, nEpochs))` for any chunk sizes, since each pass walks
 * the edges in order and only its chunk boundaries move. The fuzzy graph's rows are sorted, as the
 * union writes them.
 */
export class LayoutGraphBuild {
  private pass = 0;
  /** The next edge of this pass. */
  private t = 0;
  private wmax = 0;
  private cut = 0;
  private readonly ptr: Int32Array;
  private tail = new Int32Array(0);
  private eps = new Float32Array(0);
  /** The next sampled edge to write in the last pass. */
  private e = 0;

  constructor(
    private readonly g: FuzzyGraph,
    private readonly nEpochs: number,
  ) {
    this.ptr = new Int32Array(g.n + 1);
  }

  get progress(): { done: number; total: number; label: string } {
    const m = this.g.weights.length;
    return { done: this.pass * m + this.t, total: PASSES.length * m, label: `layout graph: ${PASSES[this.pass] ?? 'done'}, ${this.t} of ${m} edges` };
  }

  /**
   * Chunks while the pacer lets the step go on (a small graph is built in one step, as before the
   * build was paced); the graph once the last pass ends, else null.
   */
  step(pacer: StepPacer, t0 = now()): LayoutGraph | null {
    let g: LayoutGraph | null = null;
    do g = this.chunk(pacer);
    while (!g && pacer.more(t0));
    return g;
  }

  /** One chunk of the current pass. */
  private chunk(pacer: StepPacer): LayoutGraph | null {
    const { rows, cols, weights } = this.g;
    const m = weights.length;
    const work = `layout-graph-${this.pass}`;
    const from = this.t;
    const to = Math.min(m, from + pacer.units(work, FIRST_EDGES));
    const t0 = now();
    if (this.pass === 0) {
      let wmax = this.wmax;
      for (let t = from; t < to; t++) if (weights[t]! > wmax) wmax = weights[t]!;
      this.wmax = wmax;
    } else if (this.pass === 1) {
      const { ptr, cut } = this;
      for (let t = from; t < to; t++) if (sampled(weights[t]!, cut)) ptr[rows[t]! + 1]!++;
    } else {
      const { tail, eps, cut, wmax } = this;
      let e = this.e;
      for (let t = from; t < to; t++) {
        const w = weights[t]!;
        if (!sampled(w, cut)) continue;
        tail[e] = cols[t]!;
        eps[e] = wmax / w;
        e++;
      }
      this.e = e;
    }
    pacer.record(work, to - from, now() - t0);
    this.t = to;
    if (to < m) return null;
    return this.endPass();
  }

  private endPass(): LayoutGraph | null {
    this.t = 0;
    this.pass++;
    if (this.pass === 1) {
      this.cut = this.wmax / this.nEpochs;
      return null;
    }
    const { ptr } = this;
    const n = this.g.n;
    if (this.pass === 2) {
      for (let i = 0; i < n; i++) ptr[i + 1]! += ptr[i]!;
      this.tail = new Int32Array(ptr[n]!);
      this.eps = new Float32Array(ptr[n]!);
      return null;
    }
    return { n, ptr, tail: this.tail, epochsPerSample: this.eps };
  }
}
