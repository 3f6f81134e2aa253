// The point inspector's neighbour lookup: the fit's stored kNN graph when the map has one (free and
// exactly what the layout used), else an exact search for that one row in the neighbours Worker.
import * as Comlink from 'comlink';
import type { KnnGraph, Metric } from '../engine/types';
import { getModelKnn } from './model-store';
import { graphNeighbours, type Neighbours } from './neighbour-search';
import type { NeighboursWorkerApi } from './neighbours-protocol';
import { workerFailure } from './worker-failure';

/** Floats per slice sent to the Worker: 16 MB, a few milliseconds of cloning per task. */
const SLICE = 4 << 20;

export interface NeighbourQuery {
  data: Float32Array;
  n: number;
  d: number;
  row: number;
  k: number;
  metric: Metric;
  /** The fit job of the map shown, whose stored model may hold the kNN graph. */
  jobId: string | null;
}

export interface FoundNeighbours extends Neighbours {
  /** 'graph': the fit's stored kNN graph; 'exact': searched now against every row. */
  source: 'graph' | 'exact';
}

export class NeighbourFinder {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<NeighboursWorkerApi> | null = null;
  private failed: Promise<never> | null = null;
  private loaded: { data: Float32Array; done: Promise<void> } | null = null;
  private graphs = new Map<string, Promise<KnnGraph | null>>();

  async find(q: NeighbourQuery): Promise<FoundNeighbours> {
    if (q.jobId) {
      let g = this.graphs.get(q.jobId);
      if (!g) {
        g = getModelKnn(q.jobId).catch(() => null);
        this.graphs.set(q.jobId, g);
      }
      const knn = await g;
      if (knn && knn.n === q.n) return { ...graphNeighbours(knn.indices, knn.distances, knn.k, q.row), source: 'graph' };
    }
    const remote = this.start();
    await Promise.race([this.load(remote, q), this.failed!]);
    const out = await Promise.race([remote.nearest(q.row, q.k, q.metric), this.failed!]);
    if (!out.ok) throw new Error(out.message);
    return { indices: out.indices, distances: out.distances, source: 'exact' };
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.loaded = null;
  }

  private start(): Comlink.Remote<NeighboursWorkerApi> {
    if (this.remote) return this.remote;
    const worker = new Worker(new URL('../../workers/neighbours.worker.ts', import.meta.url), { type: 'module', name: 'neighbours' });
    this.failed = workerFailure(worker, 'the neighbour search');
    this.failed.catch(() => {
      if (this.worker === worker) this.dispose();
    });
    this.worker = worker;
    this.remote = Comlink.wrap<NeighboursWorkerApi>(worker);
    return this.remote;
  }

  /** The rows go to the Worker once per dataset: a shared view as it is, else in slices. */
  private load(remote: Comlink.Remote<NeighboursWorkerApi>, q: NeighbourQuery): Promise<void> {
    if (this.loaded?.data === q.data) return this.loaded.done;
    const shared = typeof SharedArrayBuffer !== 'undefined' && q.data.buffer instanceof SharedArrayBuffer;
    const done = (async () => {
      await remote.begin(q.n, q.d, shared ? q.data : null);
      if (shared) return;
      // A copied slice, transferred: cloning a subarray would clone its whole buffer.
      for (let at = 0; at < q.data.length; at += SLICE) {
        const slice = q.data.slice(at, Math.min(q.data.length, at + SLICE));
        await remote.append(at, Comlink.transfer(slice, [slice.buffer]));
      }
    })();
    // A failed load is retried by the next query rather than remembered.
    done.catch(() => {
      if (this.loaded?.done === done) this.loaded = null;
    });
    this.loaded = { data: q.data, done };
    return done;
  }
}
