// Result caching in the job Worker: before a fresh fit, look for a stored fuzzy graph (then the fit
// goes straight to init) or kNN graph (then it starts at the graph phase) of the same rows, metric and
// n_neighbors; while it runs, store the graphs it makes at the ends of the kNN and graph phases.
import type { GraphStart, UmapEngine } from '../engine/engine';
import type { FuzzyGraph, KnnGraph, Metric, ProgressEvent, UmapParams } from '../engine/types';
import type { RowStore } from '../engine/wasm/row-kernels';
import { messageOf } from '../io/error-message';
import { datasetKeyOf } from './checksum';
import {
  describeReuse,
  fuzzyGraphKey,
  getFuzzyGraph,
  getKnnGraph,
  knnGraphKey,
  putFuzzyGraph,
  putKnnGraph,
  refGraph,
  type FuzzyGraphParams,
  type GraphReuse,
  type StoredFuzzyGraph,
  type StoredKnnGraph,
} from './graph-store';
import { getJob } from './job-store';
import type { JobCallbacks, JobSource } from './job-protocol';

/** The graph store as a run uses it (IndexedDB in the app, a fake in unit tests). */
export interface GraphCache {
  getKnn(datasetKey: string, metric: Metric, nNeighbors: number): Promise<StoredKnnGraph | undefined>;
  getFuzzy(datasetKey: string, metric: Metric, nNeighbors: number, p: FuzzyGraphParams): Promise<StoredFuzzyGraph | undefined>;
  putKnn(datasetKey: string, metric: Metric, nNeighbors: number, knn: KnnGraph, jobId: string): Promise<unknown>;
  putFuzzy(datasetKey: string, metric: Metric, nNeighbors: number, p: FuzzyGraphParams, graph: FuzzyGraph, jobId: string): Promise<unknown>;
  /** `jobId` uses the graph stored under `key`. */
  ref(jobId: string, key: string): Promise<void>;
  /** Name and seed of a job, from its record; null when it is gone. */
  jobInfo(jobId: string): Promise<{ name: string; seed: number } | null>;
}

export const indexedDbGraphs: GraphCache = {
  getKnn: getKnnGraph,
  getFuzzy: getFuzzyGraph,
  putKnn: putKnnGraph,
  putFuzzy: putFuzzyGraph,
  ref: refGraph,
  async jobInfo(id) {
    const rec = await getJob(id);
    return rec ? { name: rec.name, seed: rec.params.seed ?? 42 } : null;
  },
};

const now = () => performance.now();

/** One run's side of the cache: where it starts, and the writes of the graphs it computes. */
export class GraphReuser {
  private knnStored: boolean;
  private fuzzyStored: boolean;
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly cache: GraphCache,
    private readonly jobId: string,
    private readonly datasetKey: string,
    private readonly params: UmapParams,
    private readonly onLog: (line: string) => void,
    readonly start: GraphStart | undefined,
    readonly reused: GraphReuse | null,
  ) {
    this.fuzzyStored = reused?.what === 'fuzzy';
    this.knnStored = reused !== null;
  }

  /**
   * Look the graphs up for a fresh fit. A failed lookup is logged and the fit computes everything; the
   * reuse is reported through onReused, and the job then refers to what it took, so it stays while the job does.
   */
  static async prepare(
    cache: GraphCache,
    jobId: string,
    source: JobSource,
    store: RowStore,
    params: UmapParams,
    cb: JobCallbacks<ProgressEvent>,
    log: (line: string) => void,
  ): Promise<GraphReuser> {
    const t0 = now();
    const datasetKey = 'stored' in source ? source.stored : datasetKeyOf(store.data, store.n, store.d);
    const { metric, nNeighbors } = params;
    const fuzzyParams = { localConnectivity: params.localConnectivity, setOpMixRatio: params.setOpMixRatio };
    let start: GraphStart | undefined;
    let reused: GraphReuse | null = null;
    try {
      const fuzzy = await cache.getFuzzy(datasetKey, metric, nNeighbors, fuzzyParams);
      const knn = fuzzy?.n === store.n ? undefined : await cache.getKnn(datasetKey, metric, nNeighbors);
      const from = fuzzy?.n === store.n ? fuzzy : knn?.n === store.n && knn.k === nNeighbors ? knn : undefined;
      if (from) {
        start =
          from === fuzzy
            ? { graph: { n: from.n, rows: fuzzy.rows, cols: fuzzy.cols, weights: fuzzy.weights } }
            : { knn: { n: knn!.n, k: knn!.k, indices: knn!.indices, distances: knn!.distances } };
        // A map made from the fuzzy graph also stands on the kNN graph under it (a transform needs it).
        await cache.ref(jobId, knnGraphKey(datasetKey, metric, nNeighbors));
        if (from === fuzzy) await cache.ref(jobId, fuzzyGraphKey(datasetKey, metric, nNeighbors, fuzzyParams));
        const info = await cache.jobInfo(from.fromJob);
        reused = { what: from === fuzzy ? 'fuzzy' : 'knn', fromJob: from.fromJob, fromName: info?.name ?? null, seed: info?.seed ?? null, loadS: (now() - t0) / 1000 };
      }
    } catch (e) {
      log(`Stored graphs could not be read (${messageOf(e)}); computing them.`);
      start = undefined;
      reused = null;
    }
    if (reused) {
      log(describeReuse(reused));
      cb.onReused?.(reused);
    }
    return new GraphReuser(cache, jobId, datasetKey, params, log, start, reused);
  }

  /** At each engine boundary: store the kNN graph once kNN is done, the fuzzy graph once the graph phase is. */
  boundary(engine: UmapEngine): void {
    const cp = engine.checkpoint();
    const { metric, nNeighbors } = this.params;
    if (!this.knnStored && engine.phase === 'graph' && cp.knn) {
      this.knnStored = true;
      const knn = cp.knn;
      this.write('kNN', () => this.cache.putKnn(this.datasetKey, metric, nNeighbors, knn, this.jobId));
    }
    if (!this.fuzzyStored && engine.phase === 'init' && cp.graph) {
      this.fuzzyStored = true;
      const graph = cp.graph;
      const p = { localConnectivity: this.params.localConnectivity, setOpMixRatio: this.params.setOpMixRatio };
      this.write('fuzzy', () => this.cache.putFuzzy(this.datasetKey, metric, nNeighbors, p, graph, this.jobId));
    }
  }

  /** Wait for the graph writes, so a re-run started once this job is done finds them. */
  flush(): Promise<void> {
    return this.writes;
  }

  private write(what: string, fn: () => Promise<unknown>): void {
    this.writes = this.writes.then(fn).then(
      () => {},
      (e) => this.onLog(`The ${what} graph could not be stored for reuse (${messageOf(e)}).`),
    );
  }
}
