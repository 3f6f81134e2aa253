/// <reference types="@webgpu/types" />
import type { ComputePool } from '../engine/compute-core';
import type { LayoutConstants, LayoutGraph } from '../engine/sgd-layout';
import type { Candidates, JoinUpdates } from '../engine/nn-descent';
import type { GpuCompute } from './gpu-compute';
import { DeviceGuard } from './device-guard';
import type { GpuFaults } from './gpu-faults';
import type { RpBuild, RpLeaves } from '../engine/rp-tree';
import type { FuzzyGraph, KnnGraph } from '../engine/types';
import { smoothKnnDist } from '../engine/smooth-knn-dist';
import type { GpuSmoothKnn } from './gpu-smooth-knn';
import { spectralSolver, type LanczosProgress, type SpectralSolver } from '../engine/spectral-layout';
import { GpuSolveUnfit, type GpuSpectralSolve } from './gpu-spectral';

export interface GpuPoolOptions {
  /** Tests only: the device is destroyed after so many kNN chunks or layout epochs. */
  faults?: Pick<GpuFaults, 'loseDeviceAfterChunks' | 'loseDeviceAfterEpochs' | 'loseDeviceAfterGraphChunks' | 'loseDeviceAfterInitSteps'>;
  log?(line: string): void;
  /** Called once after the device is lost and the CPU pool has taken over. */
  onFallback?(reason: string): void;
  /** Called after every completed GPU kNN chunk (the caller checks tf.memory() there). */
  onChunk?(): void;
}

/**
 * A ComputePool whose exact kNN chunks, graph smoothing, spectral init and layout epochs run on the GPU. RP trees and NN-descent
 * (used only when exact kNN is too big for the GPU) stay on the CPU pool. If the device is lost, the
 * chunk or epoch that failed and everything after it run on the CPU pool (DeviceGuard): the engine only applies a
 * chunk's or epoch's result once it has completed, so nothing is lost or done twice.
 */
export class GpuPool implements ComputePool {
  /**
   * Requests in flight: at least two GPU chunks (one is encoded while another computes or reads
   * back; they share the distance scratch, which the queue's ordering makes safe), and as many as the
   * CPU pool takes for RP trees, NN-descent and any fallback.
   */
  get size(): number {
    return Math.max(2, this.cpu.size);
  }
  private readonly guard: DeviceGuard;
  private chunks = 0;
  private epochs = 0;
  private layoutArgs: [LayoutGraph, LayoutConstants] | null = null;
  private cpuLayoutSet = false;
  private upload: Promise<void> | null = null;
  private steadyBytes: number | null = null;
  private smooth: GpuSmoothKnn | null = null;
  private graphChunks = 0;
  /** The CPU pool's, whose Workers ran the joins. */
  readonly doneWith?: (updates: readonly JoinUpdates[]) => void;

  constructor(
    readonly gpu: GpuCompute,
    readonly cpu: ComputePool,
    readonly data: Float32Array,
    private opts: GpuPoolOptions = {},
  ) {
    this.doneWith = cpu.doneWith?.bind(cpu);
    this.guard = new DeviceGuard(gpu.device, (line) => {
      this.opts.log?.(line);
      this.opts.onFallback?.(line);
      this.gpu.dispose();
    });
  }

  /** Whether the GPU is still doing the work. */
  get onGpu(): boolean {
    return this.guard.onGpu;
  }

  async exactKnn(start: number, end: number, k: number) {
    if (!this.gpu.plan.fits) return this.cpu.exactKnn(start, end, k);
    return this.guard.run(
      `kNN chunk at row ${start}`,
      async () => {
        this.upload ??= this.gpu.uploadData(this.data);
        await this.upload;
        const r = await this.gpu.exactKnn(start, end, k);
        this.chunks++;
        this.opts.onChunk?.();
        // Every chunk frees its own buffers: what stays held is the data, norms and scratch only.
        this.steadyBytes ??= this.gpu.persistentBytes;
        if (this.gpu.persistentBytes !== this.steadyBytes)
          this.opts.log?.(`GPU memory check failed after a kNN chunk: ${this.gpu.persistentBytes} bytes held, expected ${this.steadyBytes}.`);
        if (this.opts.faults?.loseDeviceAfterChunks !== undefined && this.chunks === this.opts.faults.loseDeviceAfterChunks) this.testLoseDevice();
        return r;
      },
      () => this.cpu.exactKnn(start, end, k),
    );
  }

  rpTreeBuild(b: RpBuild, units: number) {
    return this.cpu.rpTreeBuild(b, units);
  }
  setLeaves(leaves: RpLeaves) {
    return this.cpu.setLeaves(leaves);
  }
  leafPairs(from: number, to: number) {
    return this.cpu.leafPairs(from, to);
  }
  setCandidates(c: Candidates | null) {
    return this.cpu.setCandidates(c);
  }
  localJoin(start: number, end: number) {
    return this.cpu.localJoin(start, end);
  }

  /** The kNN phase's rows and norms leave the device: nothing after it reads them. */
  private async releaseKnnData(): Promise<void> {
    if (!this.upload) return;
    await this.upload.catch(() => undefined);
    this.gpu.releaseKnn();
    this.upload = null;
  }

  /** smooth_knn_dist of rows [start, end) on the GPU; from a lost device on, on the CPU. */
  async smoothKnnDist(knn: KnnGraph, localConnectivity: number, meanAll: number, start: number, end: number, rhos: Float32Array, sigmas: Float32Array): Promise<void> {
    await this.guard.run(
      `the graph's row ${start}`,
      async () => {
        await this.releaseKnnData();
        if (this.smooth?.knn !== knn) {
          this.smooth?.dispose();
          this.smooth = await this.gpu.smoothKnn(knn);
          this.opts.log?.('Graph: smooth_knn_dist on the GPU (f32); the fuzzy union on the CPU.');
        }
        if (this.graphChunks++ === this.opts.faults?.loseDeviceAfterGraphChunks) this.testLoseDevice();
        await this.smooth.rows(localConnectivity, meanAll, start, end, rhos, sigmas);
        if (end >= knn.n) this.releaseSmooth();
      },
      async () => {
        this.releaseSmooth();
        smoothKnnDist(knn, localConnectivity, meanAll, start, end, rhos, sigmas);
      },
    );
  }

  private releaseSmooth(): void {
    this.smooth?.dispose();
    this.smooth = null;
  }

  /**
   * The init's Lanczos solve on the GPU; if the device is lost (or the f32 solve goes non-finite) the
   * solve starts again on the CPU, whose result is the CPU path's own.
   */
  spectralSolver(g: FuzzyGraph, nComponents: number, seed: number, onStep?: LanczosProgress): SpectralSolver | null {
    const hooks = {
      onStep,
      log: this.opts.log,
      afterBatch: (steps: number) => {
        const at = this.opts.faults?.loseDeviceAfterInitSteps;
        if (at !== undefined && steps >= at) this.testLoseDevice();
      },
    };
    const gpu: GpuSpectralSolve | null = this.guard.onGpu ? this.gpu.spectralSolve(g, nComponents, seed, hooks) : null;
    if (!gpu) return null;
    let cpu: SpectralSolver | null = null;
    const onCpu = () => {
      gpu.dispose();
      cpu ??= spectralSolver(g, nComponents, seed, onStep);
      return cpu;
    };
    const UNFIT = Symbol('unfit');
    return {
      advance: async (more) => {
        if (cpu) return cpu.advance(more);
        const r = await this.guard.run<Awaited<ReturnType<SpectralSolver['advance']>> | typeof UNFIT>(
          'the spectral init',
          async () => {
            await this.releaseKnnData();
            try {
              const out = await gpu.advance(more);
              if (!this.guard.onGpu) throw new Error('GPU device lost during the init');
              return out;
            } catch (e) {
              if (!(e instanceof GpuSolveUnfit)) throw e;
              this.opts.log?.(`Init: ${e.message}; solving on the CPU instead.`);
              return UNFIT;
            }
          },
          () => onCpu().advance(more),
        );
        // Outside the guard, so a device lost meanwhile cannot advance the CPU solve twice.
        return r === UNFIT ? onCpu().advance(more) : r;
      },
      dispose: () => {
        gpu.dispose();
        cpu?.dispose();
      },
    };
  }

  async setLayout(g: LayoutGraph, c: LayoutConstants) {
    this.layoutArgs = [g, c];
    this.cpuLayoutSet = false;
    await this.releaseKnnData();
    await this.guard.run(
      'the layout setup',
      () => this.gpu.setLayout(g, c),
      () => this.ensureCpuLayout(),
    );
  }

  private async ensureCpuLayout(): Promise<void> {
    if (this.cpuLayoutSet || !this.layoutArgs) return;
    await this.cpu.setLayout(...this.layoutArgs);
    this.cpuLayoutSet = true;
  }

  layoutEpoch(epoch: number, alpha: number, embedding: Float32Array) {
    return this.layoutEpochs(epoch, [alpha], embedding);
  }

  async layoutEpochs(epoch: number, alphas: readonly number[], embedding: Float32Array) {
    const count = alphas.length;
    return this.guard.run(
      `layout epoch ${epoch}`,
      async () => {
        // Into a copy: the embedding only changes once the epochs are known to be complete.
        const next = embedding.slice();
        await this.gpu.layoutEpochs(epoch, alphas, next);
        if (!this.guard.onGpu) throw new Error('GPU device lost during the epochs');
        embedding.set(next);
        this.epochs += count;
        const at = this.opts.faults?.loseDeviceAfterEpochs;
        if (at !== undefined && this.epochs >= at && this.epochs - count < at) this.testLoseDevice();
      },
      async () => {
        await this.ensureCpuLayout();
        for (let i = 0; i < count; i++) await this.cpu.layoutEpoch(epoch + i, alphas[i]!, embedding);
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
