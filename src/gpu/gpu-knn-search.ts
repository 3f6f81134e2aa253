/// <reference types="@webgpu/types" />
// Exact kNN on the device, shared by the fit (gpu-compute.ts: its own rows are the queries) and the
// transform (gpu-transform-compute.ts: new rows against the fitted ones): the rows in blocks with
// their norms, the distance tiles, the top-k merge across blocks, and the read-back.
import type { Metric } from '../engine/types';
import { dispatch1d, type GpuBuffers } from './gpu-buffers';
import { ALIGN_ROWS, type GpuKnnLayout } from './knn-plan';
import { DIST_WGSL_64, DIST_WGSL_128, PREP_WGSL, distWgslUnrolled, topkWgsl } from './wgsl-knn';

export type DistTile = 64 | 128 | 'u64' | 'u128';
export const DIST_TILES: readonly DistTile[] = [64, 128, 'u64', 'u128'];

/**
 * The distance kernels blank out a query's own row (qStart + r == bStart + c). Queries that are no
 * searched row (a transform's new points) start past every row index, so none is blanked.
 */
const NOT_A_SEARCHED_ROW = 0x80000000;

/** A streamed search waits for the device after this many blocks, bounding what is staged for upload. */
const STREAM_AHEAD = 2;

export interface KnnRows {
  indices: Int32Array;
  distances: Float32Array;
}

export class GpuKnnSearch {
  private blocks: { buf: GPUBuffer; start: number; rows: number }[] = [];
  /** Streamed plans: the rows, in the job's memory, and the one buffer every block passes through. */
  private source: Float32Array | null = null;
  private slot: GPUBuffer | null = null;
  private streamTail: Promise<unknown> = Promise.resolve();
  private norms: GPUBuffer | null = null;
  private queries: GPUBuffer | null = null;
  private qNorms: GPUBuffer | null = null;
  private dist: GPUBuffer | null = null;
  private prepPipe: GPUComputePipeline | null = null;
  private distPipe: GPUComputePipeline | null = null;
  private topk = new Map<number, GPUComputePipeline>();

  constructor(
    private readonly mem: GpuBuffers,
    private readonly plan: GpuKnnLayout,
    private readonly distTile: DistTile,
    private readonly d: number,
    private readonly metric: Metric,
    /** Most queries per search. */
    private readonly chunkSize: number,
  ) {}

  /** Whether the rows are on the device (upload ran, release did not). */
  get uploaded(): boolean {
    return this.distPipe !== null && this.norms !== null;
  }

  /**
   * Upload the n rows once (in blocks), compute their norms, and normalise them for cosine. A streamed
   * plan keeps the rows where they are and computes only their norms, streaming them through once.
   */
  async upload(data: Float32Array, n: number): Promise<void> {
    if (!this.plan.fits) throw new Error(`GPU kNN: ${this.plan.reason}`);
    const { mem, d } = this;
    const device = mem.device;
    // COPY_SRC: the fit gathers its chunk's queries and norms out of the blocks.
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    this.prepPipe = await mem.compile(PREP_WGSL, 'prep');
    const t = this.distTile;
    this.distPipe = await mem.compile(t === 64 ? DIST_WGSL_64 : t === 128 ? DIST_WGSL_128 : distWgslUnrolled(t === 'u64' ? 4 : 8), `distances-${t}`);
    const norms = mem.make(Math.ceil(n / ALIGN_ROWS) * ALIGN_ROWS * 4, S, 'norms');
    this.norms = norms;
    this.queries = mem.make(this.chunkSize * d * 4, S, 'queries');
    this.qNorms = mem.make(this.chunkSize * 4, S, 'query norms');
    this.dist = mem.make(this.chunkSize * this.plan.blockRows * 4, GPUBufferUsage.STORAGE, 'distances');
    if (this.plan.streamed) {
      this.source = data;
      this.slot = mem.make(this.plan.blockRows * d * 4, S, 'streamed block');
    }
    const temps: GPUBuffer[] = [];
    let enc = device.createCommandEncoder();
    for (let start = 0; start < n; start += this.plan.blockRows) {
      const rows = Math.min(this.plan.blockRows, n - start);
      const block = data.subarray(start * d, (start + rows) * d);
      if (this.slot) {
        // The queue orders this write after the previous block's norms pass.
        this.mem.write(this.slot, block);
        this.blocks.push({ buf: this.slot, start, rows });
        temps.push(this.prep(enc, this.slot, norms, start, rows));
        device.queue.submit([enc.finish()]);
        enc = device.createCommandEncoder();
      } else {
        const buf = mem.upload(block, `rows ${start}`, S);
        this.blocks.push({ buf, start, rows });
        temps.push(this.prep(enc, buf, norms, start, rows));
      }
    }
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    for (const u of temps) mem.free(u);
  }

  /** Norms of `rows` rows of `buf` into `norms` at row `at` (and unit rows for cosine); returns its uniform. */
  private prep(enc: GPUCommandEncoder, buf: GPUBuffer, norms: GPUBuffer, at: number, rows: number): GPUBuffer {
    const prep = this.prepPipe!;
    const u = this.mem.uniform(new Uint32Array([rows, this.d, this.metric === 'cosine' ? 1 : 0, 0]).buffer);
    const pass = enc.beginComputePass();
    pass.setPipeline(prep);
    pass.setBindGroup(
      0,
      this.mem.device.createBindGroup({
        layout: prep.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: buf, offset: 0, size: Math.max(4, rows * this.d * 4) } },
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
      while (wg > 1 && wg * k * 8 > this.mem.device.limits.maxComputeWorkgroupStorageSize) wg >>= 1;
      p = await this.mem.compile(topkWgsl(k, wg), `top-${k}`);
      this.topk.set(k, p);
    }
    return p;
  }

  /** Exact k nearest uploaded rows of uploaded rows [start, end), themselves excluded. */
  rowsKnn(start: number, end: number, k: number): Promise<KnnRows> {
    const d = this.d;
    if (this.source) {
      // Streamed: the chunk's rows come from the job's memory, normalised and normed as new points are.
      const rows = this.source.subarray(start * d, end * d);
      return this.search(end - start, k, start, (enc, temps) => {
        this.mem.write(this.queries!, rows);
        temps.push(this.prep(enc, this.queries!, this.qNorms!, 0, end - start));
      });
    }
    return this.search(end - start, k, start, (enc) => {
      // Gather the chunk's rows (already normalised) and norms.
      for (const b of this.blocks) {
        const s = Math.max(start, b.start);
        const e = Math.min(end, b.start + b.rows);
        if (s < e) enc.copyBufferToBuffer(b.buf, (s - b.start) * d * 4, this.queries!, (s - start) * d * 4, (e - s) * d * 4);
      }
      enc.copyBufferToBuffer(this.norms!, start * 4, this.qNorms!, 0, (end - start) * 4);
    });
  }

  /** Exact k nearest uploaded rows of `rows` (nq × d other points, nq ≤ chunkSize). */
  queriesKnn(rows: Float32Array, k: number): Promise<KnnRows> {
    const nq = rows.length / this.d;
    return this.search(nq, k, NOT_A_SEARCHED_ROW, (enc, temps) => {
      this.mem.write(this.queries!, rows);
      temps.push(this.prep(enc, this.queries!, this.qNorms!, 0, nq));
    });
  }

  /**
   * Nearest first, true distances; `fill` records the queries' and their norms' arrival on the encoder.
   * Streamed searches run one at a time: each waits on the device every few blocks (so at most that
   * many blocks of rows are staged for upload), and between those waits another search would
   * overwrite the shared query and block buffers.
   */
  private search(nq: number, k: number, qStart: number, fill: (enc: GPUCommandEncoder, temps: GPUBuffer[]) => void): Promise<KnnRows> {
    if (!this.source) return this.searchBlocks(nq, k, qStart, fill);
    const run = this.streamTail.then(() => this.searchBlocks(nq, k, qStart, fill));
    this.streamTail = run.catch(() => undefined);
    return run;
  }

  private async searchBlocks(nq: number, k: number, qStart: number, fill: (enc: GPUCommandEncoder, temps: GPUBuffer[]) => void): Promise<KnnRows> {
    const { mem, d } = this;
    const device = mem.device;
    const topk = await this.topkPipe(k);
    const cos = this.metric === 'cosine' ? 1 : 0;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    const bestD = mem.make(nq * k * 4, S, 'best d', true);
    const bestI = mem.make(nq * k * 4, S, 'best i', true);
    const read = mem.make(2 * nq * k * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback', true);
    const temps: GPUBuffer[] = [];
    try {
      let enc = device.createCommandEncoder();
      fill(enc, temps);
      for (let bi = 0; bi < this.blocks.length; bi++) {
        const b = this.blocks[bi]!;
        if (this.source) {
          // Streamed: each block's rows are written into the one block buffer once the previous
          // block's tiles are submitted (the queue keeps that order), then normalised for cosine.
          device.queue.submit([enc.finish()]);
          if (bi > 0 && bi % STREAM_AHEAD === 0) await device.queue.onSubmittedWorkDone();
          this.mem.write(b.buf, this.source.subarray(b.start * d, (b.start + b.rows) * d));
          enc = device.createCommandEncoder();
          if (cos) temps.push(this.prep(enc, b.buf, this.norms!, b.start, b.rows));
        }
        const du = mem.uniform(new Uint32Array([nq, b.rows, d, qStart, b.start, cos, 0, 0]).buffer);
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
      }
      enc.copyBufferToBuffer(bestD, 0, read, 0, nq * k * 4);
      enc.copyBufferToBuffer(bestI, 0, read, nq * k * 4, nq * k * 4);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const raw = read.getMappedRange();
      const distances = new Float32Array(raw, 0, nq * k).slice();
      const indices = new Int32Array(raw, nq * k * 4, nq * k).slice();
      read.unmap();
      if (this.metric === 'euclidean') for (let t = 0; t < distances.length; t++) distances[t] = Math.sqrt(distances[t]!);
      return { indices, distances };
    } finally {
      for (const u of temps) mem.free(u);
      mem.free(bestD);
      mem.free(bestI);
      mem.free(read);
    }
  }

  /** Free the rows and the search's scratch (a layout needs none of it); after freeAll, only forgets them. */
  release(): void {
    for (const b of this.blocks) this.mem.free(b.buf);
    this.blocks = [];
    this.mem.free(this.slot);
    this.slot = null;
    this.source = null;
    for (const b of [this.norms, this.queries, this.qNorms, this.dist]) this.mem.free(b);
    this.norms = this.queries = this.qNorms = this.dist = null;
  }
}
