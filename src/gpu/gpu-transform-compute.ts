/// <reference types="@webgpu/types" />
// The GPU half of a transform: new points' exact kNN against the fitted rows (the fit's distance
// tiles and top-k merge, with the new rows as the queries) and their SGD epochs against the fixed
// fitted map. No DOM, no tfjs: the job Worker and a Node runner can share it.
import type { Metric } from '../engine/types';
import { hash32, type LayoutConstants } from '../engine/sgd-layout';
import { learningRate } from '../engine/optimize-layout';
import { makeGradientTable } from '../engine/gradient-table';
import type { DistTile } from './gpu-compute';
import { GpuBuffers, dispatch1d } from './gpu-buffers';
import { ALIGN_ROWS, planGpuKnn, type GpuKnnLayout } from './knn-plan';
import { DIST_WGSL_64, DIST_WGSL_128, PREP_WGSL, distWgslUnrolled, topkWgsl } from './wgsl-knn';
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

/**
 * The distance kernels blank out a query's own row (qStart + r == bStart + c). New points are no
 * fitted row: their query numbers start past every fitted index, so none is blanked.
 */
const NOT_A_FITTED_ROW = 0x80000000;

export class GpuTransformCompute {
  readonly mem: GpuBuffers;
  readonly plan: GpuKnnLayout;
  readonly distTile: DistTile;
  private blocks: { buf: GPUBuffer; start: number; rows: number }[] = [];
  private norms: GPUBuffer | null = null;
  private queries: GPUBuffer | null = null;
  private qNorms: GPUBuffer | null = null;
  private dist: GPUBuffer | null = null;
  private prepPipe: GPUComputePipeline | null = null;
  private distPipe: GPUComputePipeline | null = null;
  private topk = new Map<number, GPUComputePipeline>();
  private lay: { pipe: GPUComputePipeline; bufs: GPUBuffer[]; pos: GPUBuffer; read: GPUBuffer; m: number; c: LayoutConstants; tableSize: number; exactBelow: number } | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly fitted: FittedOnGpu,
    readonly opts: GpuTransformOptions,
  ) {
    this.mem = new GpuBuffers(device, opts.breakWgsl === true);
    this.distTile = opts.distTile ?? 'u128';
    this.plan = planGpuKnn(device.limits, fitted.n, fitted.d, opts.chunkSize, opts.memoryFraction);
  }

  /** Upload the fitted rows once (in blocks) with their norms, normalised for cosine. */
  async uploadFitted(): Promise<void> {
    if (!this.plan.fits) throw new Error(`GPU kNN: ${this.plan.reason}`);
    const { n, d, metric, data } = this.fitted;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const mem = this.mem;
    this.prepPipe = await mem.compile(PREP_WGSL, 'prep');
    const t = this.distTile;
    this.distPipe = await mem.compile(t === 64 ? DIST_WGSL_64 : t === 128 ? DIST_WGSL_128 : distWgslUnrolled(t === 'u64' ? 4 : 8), `distances-${t}`);
    this.norms = mem.make(Math.ceil(n / ALIGN_ROWS) * ALIGN_ROWS * 4, S, 'norms');
    this.queries = mem.make(this.opts.chunkSize * d * 4, S, 'queries');
    this.qNorms = mem.make(this.opts.chunkSize * 4, S, 'query norms');
    this.dist = mem.make(this.opts.chunkSize * this.plan.blockRows * 4, GPUBufferUsage.STORAGE, 'distances');
    const enc = this.device.createCommandEncoder();
    const temps: GPUBuffer[] = [];
    for (let start = 0; start < n; start += this.plan.blockRows) {
      const rows = Math.min(this.plan.blockRows, n - start);
      const buf = mem.upload(data.subarray(start * d, (start + rows) * d), `fitted rows ${start}`);
      this.blocks.push({ buf, start, rows });
      temps.push(this.prep(enc, buf, this.norms, start, rows, metric));
    }
    this.device.queue.submit([enc.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    for (const u of temps) mem.free(u);
  }

  /** Norms of `rows` rows of `buf` into `norms` at row `at` (and unit rows for cosine); returns its uniform. */
  private prep(enc: GPUCommandEncoder, buf: GPUBuffer, norms: GPUBuffer, at: number, rows: number, metric: Metric): GPUBuffer {
    const u = this.mem.uniform(new Uint32Array([rows, this.fitted.d, metric === 'cosine' ? 1 : 0, 0]).buffer);
    const pass = enc.beginComputePass();
    pass.setPipeline(this.prepPipe!);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: this.prepPipe!.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: buf, offset: 0, size: Math.max(4, rows * this.fitted.d * 4) } },
          { binding: 1, resource: { buffer: norms, offset: at * 4, size: Math.max(4, rows * 4) } },
          { binding: 2, resource: { buffer: u } },
        ],
      }),
    );
    dispatch1d(pass, Math.ceil(rows / 64));
    pass.end();
    return u;
  }

  private async topkPipe(k: number): Promise<GPUComputePipeline> {
    let p = this.topk.get(k);
    if (!p) {
      let wg = 64;
      while (wg > 1 && wg * k * 8 > this.device.limits.maxComputeWorkgroupStorageSize) wg >>= 1;
      p = await this.mem.compile(topkWgsl(k, wg), `top-${k}`);
      this.topk.set(k, p);
    }
    return p;
  }

  /** Exact k nearest fitted rows of `rows` (nq × d new points, nq ≤ chunkSize), nearest first, true distances. */
  async queryKnn(rows: Float32Array, k: number): Promise<{ indices: Int32Array; distances: Float32Array }> {
    if (!this.distPipe || !this.queries || !this.qNorms || !this.norms || !this.dist) throw new Error('queryKnn before uploadFitted');
    const { device, mem } = this;
    const { d, metric } = this.fitted;
    const nq = rows.length / d;
    if (nq > this.opts.chunkSize) throw new Error(`queryKnn: ${nq} new points is more than the chunk size ${this.opts.chunkSize}`);
    const topk = await this.topkPipe(k);
    const cos = metric === 'cosine' ? 1 : 0;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    const bestD = mem.make(nq * k * 4, S, 'best d', true);
    const bestI = mem.make(nq * k * 4, S, 'best i', true);
    const read = mem.make(2 * nq * k * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback', true);
    const temps: GPUBuffer[] = [];
    try {
      const src = rows.buffer instanceof ArrayBuffer ? rows : rows.slice();
      device.queue.writeBuffer(this.queries, 0, src.buffer as ArrayBuffer, src.byteOffset, src.byteLength);
      const enc = device.createCommandEncoder();
      temps.push(this.prep(enc, this.queries, this.qNorms, 0, nq, metric));
      this.blocks.forEach((b, bi) => {
        const du = mem.uniform(new Uint32Array([nq, b.rows, d, NOT_A_FITTED_ROW, b.start, cos, 0, 0]).buffer);
        const tu = mem.uniform(new Uint32Array([nq, b.rows, b.start, bi === 0 ? 1 : 0]).buffer);
        temps.push(du, tu);
        const pass = enc.beginComputePass();
        pass.setPipeline(this.distPipe!);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout: this.distPipe!.getBindGroupLayout(0),
            entries: [
              { binding: 0, resource: { buffer: this.queries! } },
              { binding: 1, resource: { buffer: b.buf } },
              { binding: 2, resource: { buffer: this.qNorms! } },
              { binding: 3, resource: { buffer: this.norms!, offset: b.start * 4, size: b.rows * 4 } },
              { binding: 4, resource: { buffer: this.dist!, offset: 0, size: nq * b.rows * 4 } },
              { binding: 5, resource: { buffer: du } },
            ],
          }),
        );
        const side = this.distTile === 128 || this.distTile === 'u128' ? 128 : 64;
        pass.dispatchWorkgroups(Math.ceil(b.rows / side), Math.ceil(nq / side));
        pass.setPipeline(topk);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout: topk.getBindGroupLayout(0),
            entries: [
              { binding: 0, resource: { buffer: this.dist!, offset: 0, size: nq * b.rows * 4 } },
              { binding: 1, resource: { buffer: bestD } },
              { binding: 2, resource: { buffer: bestI } },
              { binding: 3, resource: { buffer: tu } },
            ],
          }),
        );
        pass.dispatchWorkgroups(Math.min(nq, 65535), Math.ceil(nq / 65535));
        pass.end();
      });
      enc.copyBufferToBuffer(bestD, 0, read, 0, nq * k * 4);
      enc.copyBufferToBuffer(bestI, 0, read, nq * k * 4, nq * k * 4);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const raw = read.getMappedRange();
      const distances = new Float32Array(raw, 0, nq * k).slice();
      const indices = new Int32Array(raw, nq * k * 4, nq * k).slice();
      read.unmap();
      if (metric === 'euclidean') for (let t = 0; t < distances.length; t++) distances[t] = Math.sqrt(distances[t]!);
      return { indices, distances };
    } finally {
      for (const u of temps) mem.free(u);
      mem.free(bestD);
      mem.free(bestI);
      mem.free(read);
    }
  }

  /** Free the fitted rows and kNN scratch: the layout needs only the fitted map. */
  releaseKnn(): void {
    for (const b of this.blocks) this.mem.free(b.buf);
    this.blocks = [];
    for (const b of [this.norms, this.queries, this.qNorms, this.dist]) this.mem.free(b);
    this.norms = this.queries = this.qNorms = this.dist = null;
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
    this.blocks = [];
    this.lay = null;
    this.norms = this.queries = this.qNorms = this.dist = null;
  }
}
