/// <reference types="@webgpu/types" />
// The GPU half of the engine: exact kNN chunks and SGD layout epochs as our own WGSL programs on a
// GPUDevice (tfjs's WebGPU backend's device in the browser, Dawn's in Node). No DOM, no tfjs import,
// so the Node runner and the job Worker share it.
import type { Metric } from '../engine/types';
import type { KnnChunk } from '../engine/knn-exact';
import { hash32, type LayoutConstants, type LayoutGraph } from '../engine/sgd-layout';
import { makeGradientTable } from '../engine/gradient-table';
import { DIST_WGSL_64, DIST_WGSL_128, PREP_WGSL, distWgslUnrolled, topkWgsl } from './wgsl-knn';
import { layoutWgsl } from './wgsl-layout';
import { ALIGN_ROWS, planGpuKnn, type GpuKnnLayout } from './knn-plan';
import type { GpuFaults } from './gpu-faults';

/** A WGSL program failed to compile or validate: a job error carrying the compiler's message. */
export class WgslCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WgslCompileError';
  }
}

export type DistTile = 64 | 128 | 'u64' | 'u128';
export const DIST_TILES: readonly DistTile[] = [64, 128, 'u64', 'u128'];

export interface GpuComputeOptions {
  /** Query rows per kNN chunk (the engine's knnChunkSize). */
  chunkSize: number;
  /** Share of the device's allowance (maxBufferSize) this job may hold; default 0.8. */
  memoryFraction?: number;
  /** Cap on rows per data block (tests use it to exercise the merge across blocks). */
  maxBlockRows?: number;
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
  private buffers = new Set<GPUBuffer>();
  private blocks: { buf: GPUBuffer; start: number; rows: number }[] = [];
  private norms: GPUBuffer | null = null;
  private queries: GPUBuffer | null = null;
  private qNorms: GPUBuffer | null = null;
  private dist: GPUBuffer | null = null;
  private distPipe: GPUComputePipeline | null = null;
  private topk = new Map<number, GPUComputePipeline>();
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
  /** Bytes of GPU memory this instance holds now. */
  bytesHeld = 0;
  /** Of those, bytes of per-call buffers (chunk results, uniforms) still in flight. */
  tempBytes = 0;
  private temps = new Set<GPUBuffer>();

  private constructor(
    readonly device: GPUDevice,
    readonly n: number,
    readonly d: number,
    readonly metric: Metric,
    readonly opts: GpuComputeOptions,
  ) {
    this.distTile = opts.distTile ?? 'u128';
    this.plan = planGpuKnn(device.limits, n, d, opts.chunkSize, opts.memoryFraction, opts.maxBlockRows);
  }

  /** A compute context over the device; the data is uploaded by uploadData (kNN) if wanted. */
  static create(device: GPUDevice, n: number, d: number, metric: Metric, opts: GpuComputeOptions): GpuCompute {
    return new GpuCompute(device, n, d, metric, opts);
  }

  private code(src: string): string {
    return this.opts.faults?.breakWgsl ? `${src}\nfn broken( {` : src;
  }

  private async compile(src: string, label: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ code: this.code(src), label });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      throw new WgslCompileError(`WGSL compile error in ${label}: ${errors.map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}`).join('; ')}`);
    }
    try {
      return await this.device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    } catch (e) {
      throw new WgslCompileError(`WGSL program ${label} failed to build: ${(e as Error).message ?? String(e)}`);
    }
  }

  private buffer(size: number, usage: number, label: string, temp = false): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(4, Math.ceil(size / 4) * 4), usage, label });
    this.buffers.add(b);
    this.bytesHeld += b.size;
    if (temp) {
      this.temps.add(b);
      this.tempBytes += b.size;
    }
    return b;
  }

  /** Bytes held for the job as a whole (data, scratch, layout), excluding calls in flight. */
  get persistentBytes(): number {
    return this.bytesHeld - this.tempBytes;
  }

  private free(b: GPUBuffer | null): void {
    if (!b || !this.buffers.has(b)) return;
    this.buffers.delete(b);
    this.bytesHeld -= b.size;
    if (this.temps.delete(b)) this.tempBytes -= b.size;
    b.destroy();
  }

  private uniform(words: ArrayBuffer): GPUBuffer {
    const b = this.buffer(words.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'uniform', true);
    this.device.queue.writeBuffer(b, 0, words);
    return b;
  }

  /** Upload the rows once (in blocks), compute their norms, and normalise them for cosine. */
  async uploadData(data: Float32Array): Promise<void> {
    if (!this.plan.fits) throw new Error(`GPU kNN: ${this.plan.reason}`);
    const { n, d } = this;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const prep = await this.compile(PREP_WGSL, 'prep');
    const t = this.distTile;
    const src = t === 64 ? DIST_WGSL_64 : t === 128 ? DIST_WGSL_128 : distWgslUnrolled(t === 'u64' ? 4 : 8);
    this.distPipe = await this.compile(src, `distances-${t}`);
    this.norms = this.buffer(Math.ceil(n / ALIGN_ROWS) * ALIGN_ROWS * 4, S, 'norms');
    this.queries = this.buffer(this.opts.chunkSize * d * 4, S, 'queries');
    this.qNorms = this.buffer(this.opts.chunkSize * 4, S, 'query norms');
    this.dist = this.buffer(this.opts.chunkSize * this.plan.blockRows * 4, GPUBufferUsage.STORAGE, 'distances');
    const enc = this.device.createCommandEncoder();
    const temps: GPUBuffer[] = [];
    for (let start = 0; start < n; start += this.plan.blockRows) {
      const rows = Math.min(this.plan.blockRows, n - start);
      const buf = this.buffer(rows * d * 4, S, `rows ${start}`);
      const part = data.subarray(start * d, (start + rows) * d);
      // writeBuffer may not take shared memory: copy a shared block once on its way up.
      const src = part.buffer instanceof ArrayBuffer ? part : part.slice();
      this.device.queue.writeBuffer(buf, 0, src.buffer, src.byteOffset, src.byteLength);
      this.blocks.push({ buf, start, rows });
      const u = this.uniform(new Uint32Array([rows, d, this.metric === 'cosine' ? 1 : 0, 0]).buffer);
      temps.push(u);
      const pass = enc.beginComputePass();
      pass.setPipeline(prep);
      pass.setBindGroup(
        0,
        this.device.createBindGroup({
          layout: prep.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: buf } },
            { binding: 1, resource: { buffer: this.norms, offset: start * 4, size: Math.max(4, rows * 4) } },
            { binding: 2, resource: { buffer: u } },
          ],
        }),
      );
      dispatch1d(pass, Math.ceil(rows / 64));
      pass.end();
    }
    this.device.queue.submit([enc.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    for (const t of temps) this.free(t);
  }

  private async topkPipe(k: number): Promise<GPUComputePipeline> {
    let p = this.topk.get(k);
    if (!p) {
      const maxShared = this.device.limits.maxComputeWorkgroupStorageSize;
      let wg = 64;
      while (wg > 1 && wg * k * 8 > maxShared) wg >>= 1;
      p = await this.compile(topkWgsl(k, wg), `top-${k}`);
      this.topk.set(k, p);
    }
    return p;
  }

  /** Exact k nearest neighbours (self excluded) of rows [start, end), in the engine's chunk format. */
  async exactKnn(start: number, end: number, k: number): Promise<KnnChunk> {
    if (!this.distPipe || !this.queries || !this.qNorms || !this.norms || !this.dist) throw new Error('exactKnn before uploadData');
    const { d, device } = this;
    const nq = end - start;
    const topk = await this.topkPipe(k);
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    const bestD = this.buffer(nq * k * 4, S, 'best d', true);
    const bestI = this.buffer(nq * k * 4, S, 'best i', true);
    const read = this.buffer(2 * nq * k * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback', true);
    const temps: GPUBuffer[] = [];
    try {
      const enc = device.createCommandEncoder();
      // Gather the chunk's rows (already normalised) and norms.
      for (const b of this.blocks) {
        const s = Math.max(start, b.start);
        const e = Math.min(end, b.start + b.rows);
        if (s < e) enc.copyBufferToBuffer(b.buf, (s - b.start) * d * 4, this.queries, (s - start) * d * 4, (e - s) * d * 4);
      }
      enc.copyBufferToBuffer(this.norms, start * 4, this.qNorms, 0, nq * 4);
      this.blocks.forEach((b, bi) => {
        const du = this.uniform(new Uint32Array([nq, b.rows, d, start, b.start, this.metric === 'cosine' ? 1 : 0, 0, 0]).buffer);
        const tu = this.uniform(new Uint32Array([nq, b.rows, b.start, bi === 0 ? 1 : 0]).buffer);
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
      if (this.metric === 'euclidean') for (let t = 0; t < distances.length; t++) distances[t] = Math.sqrt(distances[t]!);
      return { start, end, k, indices, distances };
    } finally {
      for (const t of temps) this.free(t);
      this.free(bestD);
      this.free(bestI);
      this.free(read);
    }
  }

  /** Release the kNN data (the layout needs none of it). */
  releaseKnn(): void {
    for (const b of this.blocks) this.free(b.buf);
    this.blocks = [];
    this.free(this.norms);
    this.free(this.queries);
    this.free(this.qNorms);
    this.free(this.dist);
    this.norms = this.queries = this.qNorms = this.dist = null;
  }

  async setLayout(g: LayoutGraph, c: LayoutConstants): Promise<void> {
    this.releaseLayout();
    this.layoutPipe ??= await this.compile(layoutWgsl(c.nComponents), `layout-${c.nComponents}d`);
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const up = (arr: Int32Array | Float32Array, label: string): GPUBuffer => {
      const b = this.buffer(arr.byteLength, S, label);
      if (arr.byteLength > 0) this.device.queue.writeBuffer(b, 0, arr.buffer, arr.byteOffset, arr.byteLength);
      return b;
    };
    const T = makeGradientTable(c.a, c.b, c.gamma);
    const bufs = [up(g.ptr, 'ptr'), up(g.tail, 'tail'), up(g.epochsPerSample, 'eps'), up(new Float32Array(T.attract), 'attract'), up(new Float32Array(T.repel), 'repel')];
    const size = g.n * c.nComponents * 4;
    const pos: [GPUBuffer, GPUBuffer] = [this.buffer(size, S, 'pos a'), this.buffer(size, S, 'pos b')];
    const read = this.buffer(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'pos read');
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
        const u = this.uniform(words);
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
      for (const u of uniforms) this.free(u);
    }
  }

  private releaseLayout(): void {
    if (!this.lay) return;
    for (const b of [...this.lay.bufs, ...this.lay.pos, this.lay.read]) this.free(b);
    this.lay = null;
  }

  /** Free every buffer this instance made. Safe after device loss. */
  dispose(): void {
    for (const b of this.buffers) {
      try {
        b.destroy();
      } catch {
        /* device gone */
      }
    }
    this.buffers.clear();
    this.temps.clear();
    this.bytesHeld = 0;
    this.tempBytes = 0;
    this.blocks = [];
    this.lay = null;
    this.norms = this.queries = this.qNorms = this.dist = null;
  }
}

function dispatch1d(pass: GPUComputePassEncoder, groups: number): void {
  const gx = Math.min(groups, 65535);
  pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
}
