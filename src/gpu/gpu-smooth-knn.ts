/// <reference types="@webgpu/types" />
import type { KnnGraph } from '../engine/types';
import { smoothKnnDist } from '../engine/smooth-knn-dist';
import { dispatch1d, type GpuBuffers } from './gpu-buffers';
import { SMOOTH_KNN_WGSL } from './wgsl-graph';

/**
 * The graph phase's smooth_knn_dist on the GPU, over the kNN distances uploaded once: each call
 * smooths a range of rows in one dispatch and reads back their ρ and σ. A row with a non-finite
 * distance (a missing neighbour) is smoothed by the CPU, whose arithmetic on infinities is defined.
 */
export class GpuSmoothKnn {
  private constructor(
    private readonly mem: GpuBuffers,
    readonly knn: KnnGraph,
    private readonly pipe: GPUComputePipeline,
    private readonly dist: GPUBuffer,
    private readonly cpuRows: Int32Array,
  ) {}

  static async create(mem: GpuBuffers, knn: KnnGraph): Promise<GpuSmoothKnn> {
    const pipe = await mem.compile(SMOOTH_KNN_WGSL, 'smooth-knn-dist');
    const { n, k } = knn;
    const dist = knn.distances.slice();
    const cpuRows: number[] = [];
    for (let i = 0; i < n; i++) {
      let finite = true;
      for (let t = i * k; t < (i + 1) * k; t++) if (!Number.isFinite(dist[t]!)) finite = false;
      if (!finite) {
        cpuRows.push(i);
        dist.fill(0, i * k, (i + 1) * k);
      }
    }
    return new GpuSmoothKnn(mem, knn, pipe, mem.upload(dist, 'smooth distances'), Int32Array.from(cpuRows));
  }

  /** ρ and σ of rows [start, end) into rhos and sigmas. */
  async rows(localConnectivity: number, meanAll: number, start: number, end: number, rhos: Float32Array, sigmas: Float32Array): Promise<void> {
    const count = end - start;
    const { device } = this.mem;
    const out = this.mem.make(count * 8, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'smooth out', true);
    const read = this.mem.make(count * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'smooth read', true);
    const groups = Math.ceil(count / 64);
    const words = new ArrayBuffer(32);
    const u32 = new Uint32Array(words);
    const f32 = new Float32Array(words);
    u32[0] = this.knn.n;
    u32[1] = this.knn.k;
    u32[2] = start;
    u32[3] = count;
    f32[4] = localConnectivity;
    f32[5] = meanAll;
    u32[6] = Math.min(groups, 65535) * 64;
    const u = this.mem.uniform(words);
    try {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(this.pipe);
      pass.setBindGroup(0, device.createBindGroup({ layout: this.pipe.getBindGroupLayout(0), entries: [u, this.dist, out].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
      dispatch1d(pass, groups);
      pass.end();
      enc.copyBufferToBuffer(out, 0, read, 0, count * 8);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const r = new Float32Array(read.getMappedRange());
      for (let t = 0; t < count; t++) {
        rhos[start + t] = r[2 * t]!;
        sigmas[start + t] = r[2 * t + 1]!;
      }
      read.unmap();
    } finally {
      for (const b of [u, out, read]) this.mem.free(b);
    }
    for (const i of this.cpuRows) if (i >= start && i < end) smoothKnnDist(this.knn, localConnectivity, meanAll, i, i + 1, rhos, sigmas);
  }

  dispose(): void {
    this.mem.free(this.dist);
  }
}
