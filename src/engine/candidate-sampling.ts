// NN-descent's candidate sampling (pynndescent's new_build_candidates), resumable by rows: at a million
// points it is seconds of work in the owner's thread, so it runs as chunks the engine paces.
import { heapPush, makeHeaps, type NeighborHeaps } from './neighbor-heap';
import type { Candidates } from './nn-descent';
import { Rng } from './prng';

/**
 * Sampling in progress. Its work is one sequence of 2n rows: rows [0, n) push each point's neighbours
 * and reverse neighbours into the candidate heaps, rows [n, 2n) mark the sampled new ones as old.
 * `row` is how far it got; any split of that sequence gives the same candidates, and the random
 * priorities come from the kNN state's generator, saved after every chunk.
 */
export interface CandidateSampling {
  row: number;
  maxCand: number;
  fresh: NeighborHeaps;
  old: NeighborHeaps;
}

export function startSampling(n: number, maxCand: number): CandidateSampling {
  return { row: 0, maxCand, fresh: makeHeaps(n, maxCand), old: makeHeaps(n, maxCand) };
}

/** Rows [c.row, upTo) of the sampling's 2n; returns the generator's state after them. */
export function sampleRows(heaps: NeighborHeaps, c: CandidateSampling, upTo: number, rngState: Uint32Array): Uint32Array {
  const { n, k, indices, flags } = heaps;
  const { fresh, old, maxCand } = c;
  const end = Math.min(upTo, 2 * n);
  const rng = new Rng(rngState);
  // Priorities are random (as pynndescent's): which of a point's many reverse neighbours it keeps.
  for (let i = c.row; i < Math.min(end, n); i++) {
    for (let t = i * k; t < i * k + k; t++) {
      const j = indices[t]!;
      if (j < 0) continue;
      const pr = rng.float();
      const target = flags[t] ? fresh : old;
      heapPush(target, i, j, pr, 0);
      heapPush(target, j, i, pr, 0);
    }
  }
  for (let i = Math.max(c.row, n) - n; i < end - n; i++) {
    for (let t = i * k; t < i * k + k; t++) {
      if (!flags[t]) continue;
      const j = indices[t]!;
      for (let s = i * maxCand; s < i * maxCand + maxCand; s++) {
        if (fresh.indices[s] === j) {
          flags[t] = 0;
          break;
        }
      }
    }
  }
  c.row = Math.max(c.row, end);
  return rng.state();
}

/** The finished sampling's candidates, with each point's worst current distance as its threshold. */
export function finishSampling(heaps: NeighborHeaps, c: CandidateSampling): Candidates {
  const { n, k, distances } = heaps;
  const thresholds = new Float32Array(n);
  for (let i = 0; i < n; i++) thresholds[i] = distances[i * k]!;
  return { maxCand: c.maxCand, fresh: c.fresh.indices, old: c.old.indices, thresholds };
}
