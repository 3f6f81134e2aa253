/// <reference types="@webgpu/types" />
// The GPU half of a transform: new points' exact kNN against the fitted rows (the fit's distance
// tiles and top-k merge, with the new rows as the queries) and their SGD epochs against the fixed
// fitted map. No DOM, no tfjs: the job Worker and a Node runner can share it.
import type { Metric } from '../engine/types';
import { hash32, type LayoutConstants } from '../engine/sgd-layout';
import { learningRate } from '../engine/optimize-layout';
import { makeGradientTable } from '../engine/gradient-table';
import { GpuBuffers } from './gpu-buffers';
import { GpuKnnSearch, type DistTile } from './gpu-knn-search';
import { planGpuKnn, type GpuKnnLayout } from './knn-plan';
import { transformLayoutWgsl } from './wgsl-transform';

/** What the GPU needs of the fitted model: its rows for the search, its map for the layout. */
export interface FittedOnGpu {
  n: number;
  d: number;
  metric: Metric;
  data: Float32Array;
  embedding: Float32Array;
  nComponents: number;
}

export interface GpuTransformOptions {
  /** New points per kNN chunk (the transform's chunk size). */
  chunkSize: number;
  memoryFraction?: number;
  distTile?: DistTile;
  breakWgsl?: boolean;
}

export class GpuTransformCompute {
  readonly mem: GpuBuffers;
  readonly plan: GpuKnnLayout;
  readonly distTile: DistTile;
  private readonly knn: GpuKnnSearch;
  private lay: { pipe: GPUComputePipeline; bufs: GPUBuffer[]; pos: GPUBuffer; read: GPUBuffer; m: number; c: LayoutConstants; tableSize: number; exactBelow: number } | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly fitted: FittedOnGpu,
    readonly opts: GpuTransformOptions,
  ) {
    this.mem = new GpuBuffers(device, opts.breakWgsl === true);
    this.distTile = opts.distTile ?? 'u128';
    this.plan = planGpuKnn(device.limits, fitted.n, fitted.d, opts.chunkSize, opts.memoryFraction);
    this.knn = new GpuKnnSearch(this.mem, this.plan, this.distTile, fitted.d, fitted.metric, opts.chunkSize);
  }

  /** Upload the fitted rows once (in blocks) with their norms, normalised for cosine. */
  uploadFitted(): Promise<void> {
    return this.knn.upload(this.fitted.data, this.fitted.n);
  }

  /** Exact k nearest fitted rows of `rows` (nq × d new points, nq ≤ chunkSize), nearest first, true distances. */
  async queryKnn(rows: Float32Array, k: number): Promise<{ indices: Int32Array; distances: Float32Array }> {
    if (!this.knn.uploaded) throw new Error('queryKnn before uploadFitted');
    const nq = rows.length / this.fitted.d;
    if (nq > this.opts.chunkSize) throw new Error(`queryKnn: ${nq} new points is more than the chunk size ${this.opts.chunkSize}`);
    return this.knn.queriesKnn(rows, k);
  }

  /** Free the fitted rows and kNN scratch: the layout needs only the fitted map. */
  releaseKnn(): void {
    this.knn.release();
  }

  /** The new points' edges (m × k fitted indices and weights), their keys, and the fitted map, onto the device. */
  async setLayout(indices: Int32Array, weights: Float32Array, keys: Uint32Array, k: number, c: LayoutConstants): Promise<void> {
    this.releaseLayout();
    const mem = this.mem;
    const pipe = await mem.compile(transformLayoutWgsl(c.nComponents, k), `transform-layout-${c.nComponents}d`);
    const T = makeGradientTable(c.a, c.b, c.gamma);
    const m = keys.length;
    const bufs = [
      mem.upload(indices, 'edges'),
      mem.upload(weights, 'weights'),
      mem.upload(keys, 'keys'),
      mem.upload(this.fitted.embedding, 'fitted map'),
      mem.upload(new Float32Array(T.attract), 'attract'),
      mem.upload(new Float32Array(T.repel), 'repel'),
    ];
    const size = m * c.nComponents * 4;
    const pos = mem.make(size, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC, 'new positions');
    const read = mem.make(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'positions read');
    this.lay = { pipe, bufs, pos, read, m, c, tableSize: T.size, exactBelow: T.exactBelow };
  }

  /** Epochs [from, to) of every new point, in one dispatch and one read-back; `embedding` (m × dim) in place. */
  async epochs(embedding: Float32Array, from: number, to: number): Promise<void> {
    const L = this.lay;
    if (!L) throw new Error('transform epochs before setLayout');
    const { device, mem } = this;
    const { c, m } = L;
    const count = to - from;
    if (m === 0 || count <= 0) return;
    // Each epoch's key and learning rate, as the CPU path derives them (learningRate in float64, then rounded once).
    const eps = new ArrayBuffer(16 * count);
    const eu = new Uint32Array(eps);
    const ef = new Float32Array(eps);
    for (let q = 0; q < count; q++) {
      const e = from + q;
      eu[4 * q] = e;
      eu[4 * q + 1] = hash32((c.seed ^ Math.imul(e + 1, 0x9e3779b1)) >>> 0);
      ef[4 * q + 2] = learningRate(c, e);
    }
    const groups = Math.ceil(m / 64);
    const gx = Math.min(groups, 65535);
    const words = new ArrayBuffer(48);
    const u32 = new Uint32Array(words);
    const f32 = new Float32Array(words);
    u32[0] = m;
    u32[1] = this.fitted.n;
    u32[2] = c.negativeSampleRate;
    u32[3] = count;
    f32[4] = c.a;
    f32[5] = c.b;
    f32[6] = c.gamma;
    f32[7] = L.exactBelow;
    u32[8] = L.tableSize;
    u32[9] = gx * 64;
    f32[10] = c.nEpochs;
    const u = mem.uniform(words);
    const epochBuf = mem.make(eps.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'epochs', true);
    try {
      device.queue.writeBuffer(epochBuf, 0, eps);
      device.queue.writeBuffer(L.pos, 0, embedding.buffer as ArrayBuffer, embedding.byteOffset, embedding.byteLength);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(L.pipe);
      const [edges, weights, keys, fitted, attract, repel] = L.bufs as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: L.pipe.getBindGroupLayout(0),
          entries: [edges, weights, keys, fitted, L.pos, attract, repel, u, epochBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
      );
      pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
      pass.end();
      enc.copyBufferToBuffer(L.pos, 0, L.read, 0, embedding.byteLength);
      device.queue.submit([enc.finish()]);
      await L.read.mapAsync(GPUMapMode.READ);
      embedding.set(new Float32Array(L.read.getMappedRange(0, embedding.byteLength)));
      L.read.unmap();
    } finally {
      mem.free(u);
      mem.free(epochBuf);
    }
  }

  private releaseLayout(): void {
    if (!this.lay) return;
    for (const b of [...this.lay.bufs, this.lay.pos, this.lay.read]) this.mem.free(b);
    this.lay = null;
  }

  /** Free every buffer. Safe after device loss. */
  dispose(): void {
    this.mem.freeAll();
    this.knn.release();
    this.lay = null;
  }
}
