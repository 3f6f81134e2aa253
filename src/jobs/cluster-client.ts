import * as Comlink from 'comlink';
import type { ClusterIds, ClusterWorkerApi } from './cluster-protocol';
import { messageOf } from '../io/error-message';
import { workerFailure } from './worker-failure';

export interface ClusterUpdate {
  labels: Int32Array;
  clusterCount: number;
  maxId: number;
  seconds: number;
  /** The layout it was computed on was the finished one. */
  final: boolean;
}

/**
 * Streaming clustering: layouts are submitted as they arrive, but at most one is being clustered
 * and only the newest waiting one is kept, and a new run starts no sooner than minIntervalMs after
 * the last began, so a slow clustering never queues up stale work behind it.
 */
export class StreamingClusterer {
  private remote: Comlink.Remote<ClusterWorkerApi> | null = null;
  private worker: Worker | null = null;
  private failed: Promise<never> | null = null;
  private busy = false;
  private pending: { x: Float32Array; y: Float32Array; minClusterSize: number; final: boolean; stream: number } | null = null;
  private lastStart = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on reset: results from an older stream are dropped. */
  private stream = 0;
  private continuing = false;

  constructor(
    private readonly onUpdate: (u: ClusterUpdate) => void,
    private readonly onError: (message: string) => void,
    private readonly minIntervalMs = 400,
  ) {}

  /** New points (another dataset or run): forget the ids of the previous stream. */
  reset(): void {
    this.stream++;
    this.continuing = false;
    this.pending = null;
  }

  submit(x: Float32Array, y: Float32Array, minClusterSize: number, final: boolean): void {
    this.pending = { x, y, minClusterSize, final, stream: this.stream };
    this.pump();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.failed = null;
  }

  private pump(): void {
    if (this.busy || !this.pending || this.timer) return;
    const wait = this.lastStart + this.minIntervalMs - performance.now();
    // The finished layout is clustered as soon as possible; previews wait their turn.
    if (wait > 0 && !this.pending.final) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const job = this.pending;
    this.pending = null;
    this.busy = true;
    this.lastStart = performance.now();
    if (!this.remote || !this.failed) {
      const worker = new Worker(new URL('../../workers/cluster.worker.ts', import.meta.url), { type: 'module', name: 'cluster' });
      const failed = workerFailure(worker, 'the clusterer');
      // A Worker that failed is dropped, so the next layout starts a new one.
      failed.catch(() => {
        if (this.worker !== worker) return;
        this.worker = null;
        this.remote = null;
        this.failed = null;
        // The stable ids lived in that Worker; a new one starts from none.
        this.continuing = false;
      });
      this.worker = worker;
      this.remote = Comlink.wrap<ClusterWorkerApi>(worker);
      this.failed = failed;
    }
    // A finished layout gets canonical ids, whatever previews came before it on this page.
    const ids: ClusterIds = job.final ? 'canonical' : this.continuing ? 'continue' : 'fresh';
    // Copies go to the Worker; the page keeps drawing its own arrays.
    const x = job.x.slice();
    const y = job.y.slice();
    void Promise.race([this.remote.cluster(Comlink.transfer(x, [x.buffer]), Comlink.transfer(y, [y.buffer]), job.minClusterSize, ids), this.failed])
      .then(
        (out) => {
          if (job.stream !== this.stream) return;
          if (out.ok) {
            this.continuing = true;
            this.onUpdate({ labels: out.labels, clusterCount: out.clusterCount, maxId: out.maxId, seconds: out.seconds, final: job.final });
          } else this.onError(out.message);
        },
        (err: unknown) => this.onError(messageOf(err)),
      )
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }
}
