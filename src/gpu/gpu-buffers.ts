/// <reference types="@webgpu/types" />
// Buffer bookkeeping and program building for a GPU job's programs (the fit's and the transform's): every buffer it makes is
// counted, so the job can prove at the end that it destroyed them all.

/** A WGSL program failed to compile or validate: a job error carrying the compiler's message. */
export class WgslCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WgslCompileError';
  }
}

export class GpuBuffers {
  private buffers = new Set<GPUBuffer>();
  private temps = new Set<GPUBuffer>();
  /** Bytes of GPU memory held now. */
  bytesHeld = 0;
  /** Of those, bytes of per-call buffers (chunk results, uniforms) still in flight. */
  tempBytes = 0;

  constructor(
    readonly device: GPUDevice,
    /** Tests only: every program fails to compile. */
    private readonly breakWgsl = false,
  ) {}

  /** Bytes held for the job as a whole, excluding calls in flight. */
  get persistentBytes(): number {
    return this.bytesHeld - this.tempBytes;
  }

  async compile(src: string, label: string): Promise<GPUComputePipeline> {
    const code = this.breakWgsl ? `${src}\nfn broken( {` : src;
    const module = this.device.createShaderModule({ code, label });
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

  make(size: number, usage: number, label: string, temp = false): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(4, Math.ceil(size / 4) * 4), usage, label });
    this.buffers.add(b);
    this.bytesHeld += b.size;
    if (temp) {
      this.temps.add(b);
      this.tempBytes += b.size;
    }
    return b;
  }

  /** A storage buffer holding `arr`. */
  upload(arr: Int32Array | Uint32Array | Float32Array, label: string, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST): GPUBuffer {
    const b = this.make(arr.byteLength, usage, label);
    this.write(b, arr);
    return b;
  }

  /** `arr` into `b` from its start, in queue order. */
  write(b: GPUBuffer, arr: Int32Array | Uint32Array | Float32Array): void {
    // writeBuffer may not take shared memory: a shared view is copied once on its way up.
    const src = arr.buffer instanceof ArrayBuffer ? arr : arr.slice();
    if (src.byteLength > 0) this.device.queue.writeBuffer(b, 0, src.buffer as ArrayBuffer, src.byteOffset, src.byteLength);
  }

  uniform(words: ArrayBuffer): GPUBuffer {
    const b = this.make(words.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'uniform', true);
    this.device.queue.writeBuffer(b, 0, words);
    return b;
  }

  free(b: GPUBuffer | null | undefined): void {
    if (!b || !this.buffers.has(b)) return;
    this.buffers.delete(b);
    this.bytesHeld -= b.size;
    if (this.temps.delete(b)) this.tempBytes -= b.size;
    b.destroy();
  }

  /** Destroy every buffer still held. Safe after device loss. */
  freeAll(): void {
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
  }
}

/** A 1-D dispatch of `groups` workgroups, folded into 2-D past the 65,535 limit (kernels use rowStride). */
export function dispatch1d(pass: GPUComputePassEncoder, groups: number): number {
  const gx = Math.max(1, Math.min(groups, 65535));
  pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
  return gx;
}
