/// <reference types="@webgpu/types" />
// The GPU half of the engine: exact kNN chunks and SGD layout epochs as our own WGSL programs on a
// GPUDevice (tfjs's WebGPU backend's device in the browser, Dawn's in Node). No DOM, no tfjs import,
// so the Node runner and the job Worker share it.
import type { Metric } from '../engine/types';
import type { KnnChunk } from '../engine/knn-exact';
import { hash32, type LayoutConstants, type LayoutGraph } from '../engine/sgd-layout';
import { makeGradientTable } from '../engine/gradient-table';
import { layoutWgsl } from './wgsl-layout';
import { planGpuKnn, type GpuKnnLayout } from './knn-plan';
import type { GpuFaults } from './gpu-faults';
import { GpuBuffers } from './gpu-buffers';
import { GpuKnnSearch, type DistTile } from './gpu-knn-search';
import { GpuSpectralSolve, type GpuSpectralHooks } from './gpu-spectral';
import type { FuzzyGraph, KnnGraph } from '../engine/types';
import { GpuSmoothKnn } from './gpu-smooth-knn';
import { krylovSize } from '../engine/spectral-layout';

export interface GpuComputeOptions {
  /** Query rows per kNN chunk (the engine's knnChunkSize). */
  chunkSize: number;
  /** Share of the device's allowance (maxBufferSize) this job may hold; default 0.8. */
  memoryFraction?: number;
  /** Cap on rows per data block (tests use it to exercise the merge across blocks). */
  maxBlockRows?: number;
  /** Tests: stream the rows through one block buffer even where they would fit the budget. */
  streamRows?: boolean;
  /**
   * Distance kernel: 64 (4 × 4 per invocation, loops), 128 (8 × 8, loops), 'u64' / 'u128' (the
   * same tiles, unrolled). Default 'u128'. On an H100 (Dawn/Vulkan), 100k × 768: u128 13.7 TFLOP/s,
   * 64 and u64 10.8–10.9, looped 128 1.9 (its accumulators spill). Software adapters get 64, which
   * compiles much faster there.
   */
  distTile?: DistTile;
  /** Tests only: every program fails to compile. */
  faults?: Pick<GpuFaults, 'breakWgsl'>;
}

export class GpuCompute {
  private readonly mem: GpuBuffers;
  private readonly knn: GpuKnnSearch;
  private layoutPipe: GPUComputePipeline | null = null;
  private lay: {
    g: LayoutGraph;
    c: LayoutConstants;
    bufs: GPUBuffer[];
    pos: [GPUBuffer, GPUBuffer];
    read: GPUBuffer;
    lastEpoch: number;
    tableSize: number;
    exactBelow: number;
  } | null = null;
  readonly plan: GpuKnnLayout;
  readonly distTile: DistTile;

  private constructor(
    readonly device: GPUDevice,
    readonly n: number,
    readonly d: number,
    readonly metric: Metric,
    readonly opts: GpuComputeOptions,
  ) {
    this.mem = new GpuBuffers(device, opts.faults?.breakWgsl === true);
    this.distTile = opts.distTile ?? 'u128';
    this.plan = planGpuKnn(device.limits, n, d, opts.chunkSize, opts.memoryFraction, opts.maxBlockRows, opts.streamRows);
    this.knn = new GpuKnnSearch(this.mem, this.plan, this.distTile, d, metric, opts.chunkSize);
  }

  /** A compute context over the device; the data is uploaded by uploadData (kNN) if wanted. */
  static create(device: GPUDevice, n: number, d: number, metric: Metric, opts: GpuComputeOptions): GpuCompute {
    return new GpuCompute(device, n, d, metric, opts);
  }

  /** Bytes of GPU memory this instance holds now. */
  get bytesHeld(): number {
    return this.mem.bytesHeld;
  }

  /** Of those, bytes of per-call buffers (chunk results, uniforms) still in flight. */
  get tempBytes(): number {
    return this.mem.tempBytes;
  }

  /** Bytes held for the job as a whole (data, scratch, layout), excluding calls in flight. */
  get persistentBytes(): number {
    return this.mem.persistentBytes;
  }

  /** Upload the rows once (in blocks), compute their norms, and normalise them for cosine. */
  uploadData(data: Float32Array): Promise<void> {
    return this.knn.upload(data, this.n);
  }

  /** Exact k nearest neighbours (self excluded) of rows [start, end), in the engine's chunk format. */
  async exactKnn(start: number, end: number, k: number): Promise<KnnChunk> {
    if (!this.knn.uploaded) throw new Error('exactKnn before uploadData');
    const { indices, distances } = await this.knn.rowsKnn(start, end, k);
    return { start, end, k, indices, distances };
  }

  /** Release the kNN data (the layout needs none of it). */
  releaseKnn(): void {
    this.knn.release();
  }

  /** The graph phase's smoothing over this kNN graph's distances, uploaded once. */
  smoothKnn(knn: KnnGraph): Promise<GpuSmoothKnn> {
    return GpuSmoothKnn.create(this.mem, knn);
  }

  /**
   * The spectral init's solve on this device, or null where its basis would not fit one storage
   * binding (the job's thread solves it then).
   */
  spectralSolve(g: FuzzyGraph, nComponents: number, seed: number, hooks: GpuSpectralHooks = {}): GpuSpectralSolve | null {
    const bytes = GpuSpectralSolve.basisBytes(g.n, krylovSize(g.n, nComponents));
    const lim = this.device.limits;
    if (bytes > Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize)) return null;
    return new GpuSpectralSolve(this.mem, g, nComponents, seed, hooks);
  }

  async setLayout(g: LayoutGraph, c: LayoutConstants): Promise<void> {
    this.releaseLayout();
    this.layoutPipe ??= await this.mem.compile(layoutWgsl(c.nComponents), `layout-${c.nComponents}d`);
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const up = (arr: Int32Array | Float32Array, label: string): GPUBuffer => this.mem.upload(arr, label, S);
    const T = makeGradientTable(c.a, c.b, c.gamma);
    const bufs = [up(g.ptr, 'ptr'), up(g.tail, 'tail'), up(g.epochsPerSample, 'eps'), up(new Float32Array(T.attract), 'attract'), up(new Float32Array(T.repel), 'repel')];
    const size = g.n * c.nComponents * 4;
    const pos: [GPUBuffer, GPUBuffer] = [this.mem.make(size, S, 'pos a'), this.mem.make(size, S, 'pos b')];
    const read = this.mem.make(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'pos read');
    this.lay = { g, c, bufs, pos, read, lastEpoch: -2, tableSize: T.size, exactBelow: T.exactBelow };
  }

  /** One epoch; reads `embedding` if it is not what the previous epoch left, and writes it back. */
  layoutEpoch(epoch: number, alpha: number, embedding: Float32Array): Promise<void> {
    return this.layoutEpochs(epoch, [alpha], embedding);
  }

  /**
   * One epoch per alpha from `epoch`, in one submission and one read-back. Reads `embedding` first unless
   * the device already holds what the previous call left.
   */
  async layoutEpochs(epoch: number, alphas: readonly number[], embedding: Float32Array): Promise<void> {
    const count = alphas.length;
    const L = this.lay;
    if (!L || !this.layoutPipe) throw new Error('layoutEpoch before setLayout');
    const { device } = this;
    const { g, c } = L;
    if (L.lastEpoch !== epoch - 1) device.queue.writeBuffer(L.pos[0], 0, embedding.buffer, embedding.byteOffset, embedding.byteLength);
    const groups = Math.ceil(g.n / 64);
    const gx = Math.min(groups, 65535);
    const [ptr, tail, eps, attract, repel] = L.bufs as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const uniforms: GPUBuffer[] = [];
    try {
      const enc = device.createCommandEncoder();
      for (let e = epoch; e < epoch + count; e++) {
        const words = new ArrayBuffer(48);
        const u32 = new Uint32Array(words);
        const f32 = new Float32Array(words);
        u32[0] = g.n;
        u32[1] = e;
        u32[2] = c.negativeSampleRate;
        u32[3] = hash32((c.seed ^ Math.imul(e + 1, 0x9e3779b1)) >>> 0);
        f32[4] = alphas[e - epoch]!;
        f32[5] = c.a;
        f32[6] = c.b;
        f32[7] = c.gamma;
        f32[8] = L.exactBelow;
        u32[9] = L.tableSize;
        u32[10] = gx * 64;
        const u = this.mem.uniform(words);
        uniforms.push(u);
        const pass = enc.beginComputePass();
        pass.setPipeline(this.layoutPipe);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout: this.layoutPipe.getBindGroupLayout(0),
            entries: [ptr, tail, eps, L.pos[0], L.pos[1], attract, repel, u].map((buffer, binding) => ({ binding, resource: { buffer } })),
          }),
        );
        pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
        pass.end();
        L.pos.reverse();
      }
      // After the last swap, pos[0] holds the newest positions.
      enc.copyBufferToBuffer(L.pos[0], 0, L.read, 0, embedding.byteLength);
      device.queue.submit([enc.finish()]);
      L.lastEpoch = -2; // until the read-back completes
      await L.read.mapAsync(GPUMapMode.READ);
      embedding.set(new Float32Array(L.read.getMappedRange(0, embedding.byteLength)));
      L.read.unmap();
      L.lastEpoch = epoch + count - 1;
    } finally {
      for (const u of uniforms) this.mem.free(u);
    }
  }

  private releaseLayout(): void {
    if (!this.lay) return;
    for (const b of [...this.lay.bufs, ...this.lay.pos, this.lay.read]) this.mem.free(b);
    this.lay = null;
  }

  /** Free every buffer this instance made. Safe after device loss. */
  dispose(): void {
    this.mem.freeAll();
    this.knn.release();
    this.lay = null;
  }
}
