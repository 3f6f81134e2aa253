import type { KnnGraph, Metric } from './types';
import type { ComputeCore, ComputePool } from './compute-core';
import { trueDistance } from './distance';
import { sortHeaps, type NeighborHeaps } from './neighbor-heap';
import { applyUpdates, concatUpdates, fillRandom, type Candidates, type JoinUpdates } from './nn-descent';
import { finishSampling, sampleRows, startSampling, type CandidateSampling } from './candidate-sampling';
import { Rng, deriveSeed } from './prng';
import { startRpBuild } from './rp-tree';
import { TreeWave } from './rp-tree-wave';
import { AdaptivePacer, type StepPacer } from './step-pacer';
import { now } from './run-steps';
import { releaseArrays } from './release';
import { joinAhead, joinWave, releaseUpdates } from './join-waves';

/** Resumable kNN state: plain typed arrays and numbers only. */
export interface KnnState {
  mode: 'exact' | 'approx';
  /** Neighbours kept per point, self excluded. */
  k: number;
  chunkSize: number;
  // exact
  chunksDone: number;
  indices: Int32Array;
  distances: Float32Array;
  // approx
  stage: 'trees' | 'descent' | 'done';
  nTrees: number;
  leafSize: number;
  treesDone: number;
  /** Leaves of tree `treesDone` whose pairs are applied (its build is redone on resume, not stored). */
  treeLeavesDone: number;
  flags: Uint8Array;
  iteration: number;
  maxIterations: number;
  /** The current iteration's candidate sampling while it runs (in chunks); null otherwise. */
  sampling: CandidateSampling | null;
  /** Candidates of the current iteration, once sampled; null between iterations. */
  fresh: Int32Array | null;
  old: Int32Array | null;
  thresholds: Float32Array | null;
  /** Rows of the current iteration's local join done (its chunks are sized by the pacer). */
  joinRowsDone: number;
  changedThisIteration: number;
  rng: Uint32Array;
  seed: number;
}

export interface KnnPlanOptions {
  n: number;
  nNeighbors: number;
  chunkSize: number;
  exactMaxN: number;
  seed: number;
}

export function planKnn(o: KnnPlanOptions): KnnState {
  const exact = o.n <= o.exactMaxN;
  // Approximate search keeps nNeighbors candidates (one spare, since self is added back later):
  // the larger heap lifts recall at little cost.
  const k = exact ? o.nNeighbors - 1 : Math.min(o.nNeighbors, o.n - 1);
  const n = o.n;
  return {
    mode: exact ? 'exact' : 'approx',
    k,
    chunkSize: o.chunkSize,
    chunksDone: 0,
    indices: new Int32Array(n * k).fill(-1),
    distances: new Float32Array(n * k).fill(Infinity),
    stage: 'trees',
    nTrees: n < 20_000 ? 6 : n < 200_000 ? 5 : 4,
    leafSize: Math.max(2 * o.nNeighbors, 24),
    treesDone: 0,
    treeLeavesDone: 0,
    flags: new Uint8Array(exact ? 0 : n * k),
    iteration: 0,
    maxIterations: Math.max(5, Math.round(Math.log2(n))),
    sampling: null,
    fresh: null,
    old: null,
    thresholds: null,
    joinRowsDone: 0,
    changedThisIteration: 0,
    rng: new Rng(deriveSeed(o.seed, 1)).state(),
    seed: o.seed,
  };
}

export interface KnnProgress {
  done: number;
  total: number;
  label: string;
}

/** Every kNN step in this thread, to the end (no checkpoints, no yields): the kNN graph of a plan. */
export async function runKnn(s: KnnState, pool: ComputePool, core: ComputeCore, n: number, metric: Metric): Promise<void> {
  const pacer = new AdaptivePacer();
  while ((await stepKnn(s, pool, core, n, metric, null, pacer)) !== 'done');
}

/**
 * A kNN state stored before the join was paced by rows (it counted fixed-size chunks), brought to the
 * current shape; the work it describes is the same.
 */
export function upgradeKnnState(s: KnnState & { joinChunksDone?: number }, n: number): void {
  s.sampling ??= null;
  s.treeLeavesDone ??= 0;
  if (s.joinRowsDone === undefined) s.joinRowsDone = Math.min(n, (s.joinChunksDone ?? 0) * s.chunkSize);
  delete s.joinChunksDone;
}

/**
 * What a kNN step did: finished the phase, changed the checkpointed state (its delta is in the
 * recorder), or only advanced work no checkpoint holds (an RP tree's build).
 */
export type KnnStep = 'done' | 'saved' | 'unsaved';

/** The trees being built, by the state they belong to (never stored: see TreeWave). */
const treeWaves = new WeakMap<KnnState, TreeWave>();

/**
 * Advance kNN by one unit of work: a wave of up to pool.size exact chunks, a piece of the RP trees'
 * build or of a tree's leaf pairs, a chunk of the candidate sampling, or a wave of local joins (all
 * but the exact chunks sized by the pacer).
 */
export async function stepKnn(s: KnnState, pool: ComputePool, core: ComputeCore, n: number, metric: Metric, rec: StepRecorder | null, pacer: StepPacer): Promise<KnnStep> {
  if (rec) rec.delta = null;
  if (s.mode === 'exact') return stepExact(s, pool, n, rec);
  return stepApprox(s, pool, core, n, metric, rec, pacer);
}

/**
 * What one kNN step changed, small enough to store after every chunk (see engine.ts deltas). Exact
 * search stores the rows it filled; NN-descent stores the heap updates that changed something, which
 * replayKnnStep applies to the state before the step to reach the state after it.
 */
export type KnnStepDelta =
  | { kind: 'exact'; chunks: number; start: number; indices: Int32Array; distances: Float32Array }
  /** `units` trees completed, and `leavesDone` leaves of the next applied (absent before trees were paced: 0). */
  | { kind: 'approx'; stage: 'trees'; units: number; leavesDone?: number; updates: JoinUpdates }
  /** Join rows done (`rows`; absent in deltas stored before: then `units` chunks of chunkSize rows). */
  | { kind: 'approx'; stage: 'descent'; units: number; rows?: number; updates: JoinUpdates }
  /** The candidate sampling ran to row `upTo` of its 2n: replayed by sampling again, it needs no data. */
  | { kind: 'approx'; stage: 'sample'; upTo: number };

async function stepExact(s: KnnState, pool: ComputePool, n: number, rec: StepRecorder | null): Promise<KnnStep> {
  const nChunks = Math.ceil(n / s.chunkSize);
  const wave: Promise<void>[] = [];
  for (let c = s.chunksDone; c < Math.min(nChunks, s.chunksDone + pool.size); c++) {
    const start = c * s.chunkSize;
    const end = Math.min(n, start + s.chunkSize);
    wave.push(
      pool.exactKnn(start, end, s.k).then((r) => {
        s.indices.set(r.indices, start * s.k);
        s.distances.set(r.distances, start * s.k);
      }),
    );
  }
  await Promise.all(wave);
  if (rec) {
    const lo = s.chunksDone * s.chunkSize * s.k;
    const hi = Math.min(n, (s.chunksDone + wave.length) * s.chunkSize) * s.k;
    rec.delta = { kind: 'exact', chunks: wave.length, start: lo, indices: s.indices.slice(lo, hi), distances: s.distances.slice(lo, hi) };
  }
  s.chunksDone += wave.length;
  return s.chunksDone >= nChunks ? 'done' : 'saved';
}

function heapsOf(s: KnnState, n: number): NeighborHeaps {
  return { n, k: s.k, indices: s.indices, distances: s.distances, flags: s.flags };
}

/** Where a step leaves its delta, when the caller keeps deltas. */
export interface StepRecorder {
  delta: KnnStepDelta | null;
}

async function stepApprox(s: KnnState, pool: ComputePool, core: ComputeCore, n: number, metric: Metric, rec: StepRecorder | null, pacer: StepPacer): Promise<KnnStep> {
  const heaps = heapsOf(s, n);
  if (s.stage === 'trees') {
    const first = s.treesDone;
    const wave = treeWaves.get(s) ?? new TreeWave();
    treeWaves.set(s, wave);
    const t0 = now();
    const start = (t: number) => startRpBuild(n, s.leafSize, deriveSeed(s.seed, 100 + t));
    // Units of a tree's build: points split (about n per level of the tree).
    const units = pacer.units('tree', n / 4);
    const leaves = await wave.advance(pool, first, Math.min(s.nTrees, first + pool.size), start, units);
    if (!leaves) {
      pacer.record('tree', Math.max(1, wave.lastWork), now() - t0);
      return 'unsaved';
    }
    // The built tree's leaf pairs, in paced ranges of leaves split over the pool, applied in leaf order.
    const nLeaves = leaves.leafStarts.length - 1;
    const from = s.treeLeavesDone;
    const count = Math.min(nLeaves - from, pacer.units('leaves', Math.ceil(nLeaves / 16)));
    const parts = Math.min(pool.size, count);
    const jobs: Promise<JoinUpdates>[] = [];
    for (let w = 0; w < parts; w++) jobs.push(pool.leafPairs(from + Math.floor((count * w) / parts), from + Math.floor((count * (w + 1)) / parts)));
    const pairs = await Promise.all(jobs);
    const treeDone = from + count >= nLeaves;
    if (treeDone) wave.done(first);
    const kept = applyTreeWave(s, heaps, pairs, treeDone ? 1 : 0, treeDone ? 0 : from + count, core, rec !== null);
    pacer.record('leaves', count, now() - t0);
    if (rec) rec.delta = { kind: 'approx', stage: 'trees', units: treeDone ? 1 : 0, leavesDone: s.treeLeavesDone, updates: concatUpdates(kept) };
    releaseUpdates(pool, pairs);
    return 'saved';
  }
  if (s.stage === 'descent') {
    const t0 = now();
    if (!s.fresh) {
      // This step samples candidates; the joins start at the next.
      // Its two passes run at very different rates per row, so each is paced on its own, and a chunk
      // ends at the pass's end.
      if (!s.sampling) {
        // The candidate heaps alone (2 × 135 MB at a million points, 0.35–0.8 s to allocate and
        // fill) are a step of their own, so that no step holds both them and a chunk of sampling.
        await sampleAndHand(s, heaps, 0, pool);
        if (rec) rec.delta = { kind: 'approx', stage: 'sample', upTo: 0 };
        return 'saved';
      }
      const from = s.sampling.row;
      const work = from < n ? 'sample' : 'sample-mark';
      const upTo = Math.min(from < n ? n : 2 * n, from + pacer.units(work, 2 * s.chunkSize));
      await sampleAndHand(s, heaps, upTo, pool);
      pacer.record(work, upTo - from, now() - t0);
      if (rec) rec.delta = { kind: 'approx', stage: 'sample', upTo };
      return 'saved';
    }
    // The wave's rows, split evenly over the pool; its updates are applied in row order, so neither the
    // wave's size nor the split changes the heaps.
    const start = s.joinRowsDone;
    const { rows, updates } = await joinWave(s, pool, start, () => Math.min(n - start, pacer.units('join', pool.size * s.chunkSize)));
    // The next wave's joins start before this one's updates are applied, so the pool works while this
    // thread applies: a join reads only the iteration's candidates and frozen thresholds, which applying
    // leaves as they are, so the updates (and the heaps) are the same as joined one wave at a time.
    const next = start + rows;
    if (next < n) {
      const nextRows = Math.min(n - next, pacer.units('join', pool.size * s.chunkSize));
      joinAhead(s, pool, next, nextRows);
    }
    const kept = applyJoinWave(s, heaps, updates, rows, n, rec !== null);
    // The iteration is over: the Workers let go of its candidates before the next sampling builds new
    // ones, and none are held through the rest of the job (2 × 135 MB at a million points).
    if (!s.fresh) await pool.setCandidates(null);
    pacer.record('join', rows, now() - t0);
    if (rec) rec.delta = { kind: 'approx', stage: 'descent', units: updates.length, rows, updates: concatUpdates(kept) };
    releaseUpdates(pool, updates);
    return 'saved';
  }
  // Finish: sort, convert ordering distances, and keep nNeighbors − 1 (self is added by the caller).
  sortHeaps(heaps);
  for (let t = 0; t < s.distances.length; t++) s.distances[t] = trueDistance(metric, s.distances[t]!);
  return 'done';
}

// The three pieces below are shared by a live step and by replayKnnStep, so a replayed delta takes
// exactly the path the live run took.

/**
 * Trees' leaf pairs, in tree and leaf order so the heaps do not depend on which Worker finished first;
 * `count` trees are complete after them, and `leavesDone` leaves of the next.
 */
function applyTreeWave(s: KnnState, heaps: NeighborHeaps, trees: JoinUpdates[], count: number, leavesDone: number, core: ComputeCore, compact: boolean): JoinUpdates[] {
  for (const pairs of trees) applyUpdates(heaps, pairs, compact);
  s.treesDone += count;
  s.treeLeavesDone = leavesDone;
  if (s.treesDone >= s.nTrees) {
    const rng = new Rng(s.rng);
    fillRandom(heaps, core.orderDist, rng);
    s.rng = rng.state();
    s.stage = 'descent';
  }
  return trees;
}

/**
 * Sample the iteration's candidates up to row `upTo` of 2n; at the end the candidates are set and
 * returned (for the pool), and the join begins.
 */
function sampleStep(s: KnnState, heaps: NeighborHeaps, upTo: number): Candidates | null {
  s.sampling ??= startSampling(heaps.n, s.k);
  s.rng = sampleRows(heaps, s.sampling, upTo, s.rng);
  if (s.sampling.row < 2 * heaps.n) return null;
  const c = finishSampling(heaps, s.sampling);
  s.sampling = null;
  s.fresh = c.fresh;
  s.old = c.old;
  s.thresholds = c.thresholds;
  s.joinRowsDone = 0;
  s.changedThisIteration = 0;
  return c;
}

/**
 * A live sampling step; once the sampling ends, its candidates go to the pool, and the sampling's own
 * arrays are freed: the heaps' distances and flags (only their indices are candidates), and the
 * indices too where the pool holds them in copies of its own (2 × 135 MB at a million points, an
 * iteration's garbage otherwise; see release.ts).
 */
async function sampleAndHand(s: KnnState, heaps: NeighborHeaps, upTo: number, pool: ComputePool): Promise<void> {
  s.sampling ??= startSampling(heaps.n, s.k);
  const sampling = s.sampling;
  const done = sampleStep(s, heaps, upTo);
  if (!done) return;
  await handCandidates(s, pool, done);
  releaseArrays(sampling.fresh.distances, sampling.fresh.flags, sampling.old.distances, sampling.old.flags);
  if (s.fresh !== done.fresh) releaseArrays(done.fresh, done.old, done.thresholds);
}

/** Join results in row order, so the heaps do not depend on which Worker finished first. */
function applyJoinWave(s: KnnState, heaps: NeighborHeaps, updates: JoinUpdates[], rows: number, n: number, compact: boolean): JoinUpdates[] {
  for (const u of updates) s.changedThisIteration += applyUpdates(heaps, u, compact);
  s.joinRowsDone = Math.min(n, s.joinRowsDone + rows);
  if (s.joinRowsDone >= n) {
    s.iteration++;
    s.fresh = s.old = s.thresholds = null;
    const converged = s.changedThisIteration <= 0.001 * s.k * n;
    if (converged || s.iteration >= s.maxIterations) s.stage = 'done';
  }
  return updates;
}

/** Apply a stored step delta to the state the step started from. */
export function replayKnnStep(s: KnnState, d: KnnStepDelta, core: ComputeCore, n: number): void {
  if (d.kind === 'exact') {
    if (s.mode !== 'exact') throw new Error('A stored kNN step does not match the checkpoint (exact vs approximate).');
    s.indices.set(d.indices, d.start);
    s.distances.set(d.distances, d.start);
    s.chunksDone += d.chunks;
    return;
  }
  if (s.mode !== 'approx' || s.stage !== (d.stage === 'sample' ? 'descent' : d.stage)) throw new Error(`A stored kNN step (${d.stage}) does not match the checkpoint (${s.stage}).`);
  const heaps = heapsOf(s, n);
  if (d.stage === 'trees') applyTreeWave(s, heaps, [d.updates], d.units, d.leavesDone ?? 0, core, false);
  else if (d.stage === 'sample') sampleStep(s, heaps, d.upTo);
  else {
    // A delta stored before the sampling was chunked follows the iteration's start: it sampled then.
    if (!s.fresh) sampleStep(s, heaps, 2 * n);
    applyJoinWave(s, heaps, [d.updates], d.rows ?? d.units * s.chunkSize, n, false);
  }
}

/** Restore a pool's candidate lists after a resume in the middle of an iteration. */
export async function restoreCandidates(s: KnnState, pool: ComputePool): Promise<void> {
  if (s.mode === 'approx' && s.stage === 'descent' && s.fresh && s.old && s.thresholds) {
    await handCandidates(s, pool, { maxCand: s.k, fresh: s.fresh, old: s.old, thresholds: s.thresholds });
  }
}

/**
 * Gives the pool the iteration's candidates and keeps the arrays it holds them in: in shared memory,
 * the state and the Workers then read one copy (a checkpoint stores a plain copy of it).
 */
async function handCandidates(s: KnnState, pool: ComputePool, c: Candidates): Promise<void> {
  const held = await pool.setCandidates(c);
  if (!held) return;
  s.fresh = held.fresh;
  s.old = held.old;
  s.thresholds = held.thresholds;
}

export function knnProgress(s: KnnState, n: number): KnnProgress {
  if (s.mode === 'exact') {
    const done = Math.min(n, s.chunksDone * s.chunkSize);
    return { done, total: n, label: `exact, chunk ${Math.min(s.chunksDone, Math.ceil(n / s.chunkSize))} of ${Math.ceil(n / s.chunkSize)}` };
  }
  // Work units: one per point per tree, and one per point per descent iteration.
  const total = (s.nTrees + s.maxIterations) * n;
  if (s.stage === 'trees') return { done: s.treesDone * n, total, label: `RP trees ${s.treesDone} of ${s.nTrees}` };
  if (s.stage === 'done') return { done: total, total, label: `NN-descent converged after ${s.iteration} iterations` };
  const iter = `NN-descent iteration ${s.iteration + 1} (≤ ${s.maxIterations})`;
  // The sampling counts as a tenth of its iteration (about its share of the time).
  if (!s.fresh) {
    const sampled = Math.floor(((s.sampling?.row ?? 0) / (2 * n)) * 0.1 * n);
    return { done: (s.nTrees + s.iteration) * n + sampled, total, label: `${iter}, sampling candidates (${Math.floor((100 * (s.sampling?.row ?? 0)) / (2 * n))} %)` };
  }
  const inIter = Math.floor(0.1 * n + 0.9 * s.joinRowsDone);
  return { done: (s.nTrees + s.iteration) * n + inIter, total, label: `${iter}, local join (${s.joinRowsDone} of ${n} points)` };
}

/** The final graph, with each point itself prepended at distance 0 as umap-learn's kNN returns it. */
export function finishKnn(s: KnnState, n: number, nNeighbors: number): KnnGraph {
  const k = nNeighbors;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    distances[i * k] = 0;
    let w = 1;
    for (let t = 0; t < s.k && w < k; t++) {
      const j = s.indices[i * s.k + t]!;
      if (j === i) continue;
      indices[i * k + w] = j;
      distances[i * k + w] = j < 0 ? Infinity : s.distances[i * s.k + t]!;
      w++;
    }
    for (; w < k; w++) {
      indices[i * k + w] = -1;
      distances[i * k + w] = Infinity;
    }
  }
  return { indices, distances, n, k };
}
