/// <reference types="@webgpu/types" />
import type { LayoutConstants } from '../engine/sgd-layout';
import type { NeighborRows } from '../engine/transform-knn';
import type { TransformPool } from '../engine/transform-core';
import { DeviceGuard } from './device-guard';
import type { GpuFaults } from './gpu-faults';
import type { GpuTransformCompute } from './gpu-transform-compute';

export interface GpuTransformPoolOptions {
  /** Tests only: the device is destroyed after so many kNN chunks or layout epochs. */
  faults?: Pick<GpuFaults, 'loseDeviceAfterChunks' | 'loseDeviceAfterEpochs'>;
  log?(line: string): void;
  /** Called once after the device is lost and the CPU pool has taken over. */
  onFallback?(line: string): void;
}

/**
 * A TransformPool whose exact kNN chunks and SGD epochs run on the GPU, over a CPU pool that does
 * the rest: the graph search of a map too large for exact search (its walk over the fitted kNN graph
 * is branchy and sequential per point, no fit for a GPU), exact search that does not fit the device,
 * and everything from the chunk or epoch step where the device was lost. The engine applies a step's
 * result only once it has completed, so nothing is lost or done twice.
 */
export class GpuTransformPool implements TransformPool {
  private readonly guard: DeviceGuard;
  private upload: Promise<void> | null = null;
  private layoutArgs: [Int32Array, Float32Array, number, LayoutConstants] | null = null;
  private cpuLayoutSet = false;
  private chunks = 0;
  private epochs = 0;
  private steadyBytes: number | null = null;
  private said = new Set<string>();

  constructor(
    readonly gpu: GpuTransformCompute,
    readonly cpu: TransformPool,
    /** The new points, m × d, and their keys. */
    readonly rows: Float32Array,
    readonly keys: Uint32Array,
    private readonly opts: GpuTransformPoolOptions = {},
  ) {
    this.guard = new DeviceGuard(gpu.device, (line) => {
      opts.log?.(line);
      opts.onFallback?.(line);
      gpu.dispose();
    });
  }

  get size(): number {
    return this.cpu.size;
  }

  get onGpu(): boolean {
    return this.guard.onGpu;
  }

  private once(line: string): void {
    if (this.said.has(line)) return;
    this.said.add(line);
    this.opts.log?.(line);
  }

  transformKnn(start: number, end: number, k: number, mode: 'exact' | 'graph', epsilon: number, seed: number): Promise<NeighborRows> {
    const cpu = () => this.cpu.transformKnn(start, end, k, mode, epsilon, seed);
    if (mode === 'graph') {
      this.once('GPU transform: the map is too large for exact search; its kNN graph is searched on the CPU pool, the layout runs on the GPU.');
      return cpu();
    }
    if (!this.gpu.plan.fits) {
      this.once(`GPU transform: the fitted rows do not fit the GPU (${this.gpu.plan.reason}); exact search on the CPU pool, the layout on the GPU.`);
      return cpu();
    }
    this.once(`GPU transform kNN: exact, ${this.gpu.plan.reason}.`);
    return this.guard.run(
      `kNN chunk at new point ${start}`,
      async () => {
        this.upload ??= this.gpu.uploadFitted();
        await this.upload;
        const d = this.gpu.fitted.d;
        const r = await this.gpu.queryKnn(this.rows.subarray(start * d, end * d), k);
        this.chunks++;
        // Every chunk frees its own buffers: what stays held is the fitted rows, norms and scratch only.
        this.steadyBytes ??= this.gpu.mem.persistentBytes;
        if (this.gpu.mem.persistentBytes !== this.steadyBytes || this.gpu.mem.tempBytes !== 0)
          this.opts.log?.(`GPU memory check failed after a kNN chunk: ${this.gpu.mem.bytesHeld} bytes held, expected ${this.steadyBytes}.`);
        if (this.chunks === this.opts.faults?.loseDeviceAfterChunks) this.testLoseDevice();
        return { start, end, k, ...r };
      },
      cpu,
    );
  }

  async setTransformLayout(indices: Int32Array, weights: Float32Array, k: number, c: LayoutConstants): Promise<void> {
    this.layoutArgs = [indices, weights, k, c];
    this.cpuLayoutSet = false;
    if (this.upload) {
      await this.upload.catch(() => undefined);
      this.upload = null;
    }
    if (this.guard.onGpu) this.gpu.releaseKnn();
    await this.guard.run(
      'the layout setup',
      () => this.gpu.setLayout(indices, weights, this.keys, k, c),
      () => this.ensureCpuLayout(),
    );
  }

  private async ensureCpuLayout(): Promise<void> {
    if (this.cpuLayoutSet || !this.layoutArgs) return;
    await this.cpu.setTransformLayout(...this.layoutArgs);
    this.cpuLayoutSet = true;
  }

  transformEpochs(embedding: Float32Array, from: number, to: number): Promise<void> {
    return this.guard.run(
      `layout epoch ${from}`,
      async () => {
        // Into a copy: the embedding only changes once the epochs are known to be complete.
        const next = embedding.slice();
        await this.gpu.epochs(next, from, to);
        if (!this.guard.onGpu) throw new Error('GPU device lost during the epochs');
        embedding.set(next);
        this.epochs += to - from;
        const at = this.opts.faults?.loseDeviceAfterEpochs;
        if (at !== undefined && this.epochs >= at && this.epochs - (to - from) < at) this.testLoseDevice();
      },
      async () => {
        await this.ensureCpuLayout();
        await this.cpu.transformEpochs(embedding, from, to);
      },
    );
  }

  private testLoseDevice(): void {
    this.opts.log?.('Test hook: destroying the GPU device.');
    this.gpu.device.destroy();
  }

  dispose(): void {
    this.gpu.dispose();
  }
}
