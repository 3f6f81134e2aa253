// NN-descent's local joins as waves over the pool, a wave started a step ahead so that the pool works
// while the owner applies the wave before it, and the applied updates handed back (knn-phase.ts).
import type { ComputePool } from './compute-core';
import type { JoinUpdates } from './nn-descent';
import { releaseArrays } from './release';

/** A wave of joins started a step ahead; never stored: on a resume from a checkpoint it is joined again. */
interface JoinAhead {
  iteration: number;
  start: number;
  rows: number;
  /** Its updates, or what stopped it (a pool ended by a pause): then the wave is joined again. */
  updates: Promise<JoinUpdates[] | Error>;
}

/** The kNN state whose iteration the waves belong to. */
type Owner = { readonly iteration: number };

const ahead = new WeakMap<Owner, JoinAhead>();

/** Rows [start, start + rows) joined, split evenly over the pool. */
function launchJoins(pool: ComputePool, start: number, rows: number): Promise<JoinUpdates[]> {
  const parts = Math.min(pool.size, rows);
  const jobs: Promise<JoinUpdates>[] = [];
  for (let w = 0; w < parts; w++) jobs.push(pool.localJoin(start + Math.floor((rows * w) / parts), start + Math.floor((rows * (w + 1)) / parts)));
  return Promise.all(jobs);
}

/** A promise that always resolves: to its value, or to the error that rejected it. */
function settled<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
}

/** Starts the joins of rows [start, start + rows) now, for the step of this iteration that will need them. */
export function joinAhead(owner: Owner, pool: ComputePool, start: number, rows: number): void {
  ahead.set(owner, { iteration: owner.iteration, start, rows, updates: settled(launchJoins(pool, start, rows)) });
}

/** The wave that starts at `start`: the one already joining, if it was started, else `rows()` rows now. */
export async function joinWave(owner: Owner, pool: ComputePool, start: number, rows: () => number): Promise<{ rows: number; updates: JoinUpdates[] }> {
  const started = ahead.get(owner);
  ahead.delete(owner);
  if (started && started.iteration === owner.iteration && started.start === start) {
    const updates = await started.updates;
    if (!(updates instanceof Error)) return { rows: started.rows, updates };
  }
  const r = rows();
  return { rows: r, updates: await launchJoins(pool, start, r) };
}

/** A step's updates, once applied and (when deltas are kept) copied into its delta: the pool's again, or freed. */
export function releaseUpdates(pool: ComputePool, list: JoinUpdates[]): void {
  if (pool.doneWith) pool.doneWith(list);
  else for (const u of list) releaseArrays(u.a, u.b, u.dist);
}
