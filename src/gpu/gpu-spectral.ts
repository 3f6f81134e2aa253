/// <reference types="@webgpu/types" />
import type { FuzzyGraph } from '../engine/types';
import {
  MAX_PASSES,
  RESIDUAL_TOLERANCE,
  finiteOutcome,
  lanczosStart,
  restartVector,
  ritzCoefficients,
  spectralSetup,
  type LanczosProgress,
  type SpectralOutcome,
  type SpectralSetup,
  type SpectralSolver,
} from '../engine/spectral-layout';
import { now } from '../engine/run-steps';
import { dispatch1d, type GpuBuffers } from './gpu-buffers';
import { COMBINE_WGSL, DIRECT_DOTS_BELOW, DIRECT_DOTS_WGSL, DOTS_WGSL, DOT_BLOCK, OP, REDUCE_WGSL, SPMV_WGSL, SUBTRACT_WGSL, scalarWgsl, scaleWgsl } from './wgsl-spectral';

/** Uniform records sit this far apart (WebGPU's largest minUniformBufferOffsetAlignment). */
const RECORD_STRIDE = 256;
/** What a batch of Lanczos steps aims at, so a step of the engine stays near its target. */
const BATCH_TARGET_MS = 150;

export interface GpuSpectralHooks {
  onStep?: LanczosProgress;
  log?(line: string): void;
  /** Tests: called after every batch with the Lanczos steps done so far. */
  afterBatch?(steps: number): void;
  /** Tests: the blocked dot products from this many points (default DIRECT_DOTS_BELOW). */
  blockedDotsFrom?: number;
}

type Kernel = 'spmv' | 'directDots' | 'dots' | 'reduce' | 'scalar' | 'subtract' | 'scale' | 'combine';

interface Dispatch {
  dst: number;
  src: number;
  cnt: number;
  op: number;
  j: number;
}

/**
 * The spectral init's Lanczos solve on the GPU: the same algorithm, start vector, Krylov size, restarts
 * and Ritz selection as the engine's (spectral-layout.ts, which it shares those with), in f32 on the
 * device. The basis is (m + 2) rows of n floats: row 0 the trivial vector √degree, rows 1…m the
 * Lanczos vectors, row m + 1 the working vector. Each step re-orthogonalises twice against the whole
 * basis (classical Gram–Schmidt, twice, instead of the CPU's "twice only when needed", which would need
 * a read-back per step). Only α and β come back per batch of steps, and the Ritz vectors per pass.
 */
export class GpuSpectralSolve implements SpectralSolver {
  private setup: SpectralSetup | null = null;
  private setupSteps: ReturnType<typeof spectralSetup> | null = null;
  private pipes = new Map<Kernel, GPUComputePipeline>();
  private bufs: GPUBuffer[] = [];
  private b!: {
    ptr: GPUBuffer;
    cols: GPUBuffer;
    w: GPUBuffer;
    vecs: GPUBuffer;
    partials: GPUBuffer;
    coef: GPUBuffer;
    scal: GPUBuffer;
    scalRead: GPUBuffer;
    ritz: GPUBuffer;
    out: GPUBuffer;
    outRead: GPUBuffer;
    params: GPUBuffer;
    combineParams: GPUBuffer;
  };
  private records = new Map<string, number>();
  private groups = new Map<string, GPUBindGroup>();
  private pass = 0;
  /** Steps of this pass recorded so far; −1 before its start vector is in. */
  private step = -1;
  private batch = 4;
  private start: Float64Array | null = null;
  private best: Float64Array | null = null;
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  private readBackMs = 0;
  private readBacks = 0;
  private totalSteps = 0;
  private disposed = false;
  private done: SpectralOutcome | null = null;

  constructor(
    private readonly mem: GpuBuffers,
    private readonly g: FuzzyGraph,
    private readonly nComponents: number,
    private readonly seed: number,
    private readonly hooks: GpuSpectralHooks = {},
  ) {}

  /** Bytes of the basis buffer: the solve runs on the GPU only where one binding may be this large. */
  static basisBytes(n: number, m: number): number {
    return (m + 2) * n * 4;
  }

  async advance(more: () => boolean): Promise<SpectralOutcome | null> {
    if (this.done) return this.done;
    if (!this.setup) {
      // The graph's part (seconds at a million points) in slices across steps, as the CPU solve does.
      this.setupSteps ??= spectralSetup(this.g, this.nComponents, true);
      let r = this.setupSteps.next();
      while (!r.done && more()) r = this.setupSteps.next();
      if (!r.done) return null;
      if (!r.value.ok) return this.finish(r.value);
      this.setup = r.value;
      await this.allocate();
      this.start = lanczosStart(this.setup.n, this.seed);
      if (!more()) return null;
    }
    const { m } = this.setup;
    do {
      if (this.step < 0) {
        const ok = await this.beginPass();
        if (!ok) return this.finish({ ok: false, reason: 'the Lanczos iteration broke down' });
      }
      const t0 = now();
      const from = this.step;
      const to = Math.min(m, from + this.batch);
      let steps = await this.runSteps(from, to);
      this.batch = Math.max(1, Math.min(m, Math.round(((to - from) * BATCH_TARGET_MS) / Math.max(1, now() - t0))));
      if (steps === null && to === m) steps = m;
      this.hooks.onStep?.(this.pass, steps ?? to, m, MAX_PASSES);
      if (steps === null) continue;
      const outcome = await this.endPass(steps);
      if (outcome) return this.finish(outcome);
    } while (more());
    return null;
  }

  private finish(outcome: SpectralOutcome): SpectralOutcome {
    this.done = outcome;
    if (this.setup && outcome.ok)
      this.hooks.log?.(
        `Init: Lanczos on the GPU (f32): ${this.pass + 1} pass(es), ${this.totalSteps} steps, m = ${this.setup.m}; ${this.readBacks} read-backs (α, β per batch of steps; the Ritz vectors per pass), ${this.readBackMs.toFixed(1)} ms awaited, compute included.`,
      );
    this.dispose();
    return outcome;
  }

  private async allocate(): Promise<void> {
    const { n, m, ptr, cols, scaled, trivial } = this.setup!;
    const sources: [Kernel, string][] = [
      ['spmv', SPMV_WGSL],
      ['directDots', DIRECT_DOTS_WGSL],
      ['dots', DOTS_WGSL],
      ['reduce', REDUCE_WGSL],
      ['scalar', scalarWgsl(m)],
      ['subtract', SUBTRACT_WGSL],
      ['scale', scaleWgsl(m)],
      ['combine', COMBINE_WGSL],
    ];
    for (const [k, src] of sources) if (!this.pipes.has(k)) this.pipes.set(k, await this.mem.compile(src, `spectral-${k}`));
    // A basis the device cannot allocate fails only later, and quietly (its submits are dropped): ask.
    this.mem.device.pushErrorScope('out-of-memory');
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const R = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const keep = (b: GPUBuffer) => {
      this.bufs.push(b);
      return b;
    };
    const vecs = keep(this.mem.make(GpuSpectralSolve.basisBytes(n, m), S, 'spectral basis'));
    this.mem.device.queue.writeBuffer(vecs, 0, Float32Array.from(trivial));
    const blocks = Math.ceil(n / DOT_BLOCK);
    this.b = {
      ptr: keep(this.mem.upload(ptr, 'spectral ptr')),
      cols: keep(this.mem.upload(cols, 'spectral cols')),
      w: keep(this.mem.upload(scaled!, 'spectral weights')),
      vecs,
      partials: keep(this.mem.make(blocks * (m + 2) * 4, S, 'spectral partials')),
      coef: keep(this.mem.make((m + 2) * 4, S, 'spectral coef')),
      scal: keep(this.mem.make((2 * m + 2) * 4, S, 'spectral scalars')),
      scalRead: keep(this.mem.make((2 * m + 2) * 4, R, 'spectral scalars read')),
      ritz: keep(this.mem.make(this.nComponents * m * 4, S, 'spectral ritz')),
      out: keep(this.mem.make(n * this.nComponents * 4, S, 'spectral out')),
      outRead: keep(this.mem.make(n * this.nComponents * 4, R, 'spectral out read')),
      params: keep(this.mem.make(this.recordCount(m) * RECORD_STRIDE, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'spectral params')),
      combineParams: keep(this.mem.make(32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'spectral combine params')),
    };
    this.alpha = new Float64Array(m);
    this.beta = new Float64Array(m);
    const oom = await this.mem.device.popErrorScope();
    if (oom) throw new GpuSolveUnfit(`the GPU could not allocate the spectral basis (${oom.message})`);
  }

  private recordCount(m: number): number {
    return 5 + 8 * m;
  }

  /** The parameter record's index, written once per solve (records depend on the step, not the pass). */
  private record(r: Dispatch): number {
    const key = `${r.dst},${r.src},${r.cnt},${r.op},${r.j}`;
    let idx = this.records.get(key);
    if (idx === undefined) {
      idx = this.records.size;
      const { n } = this.setup!;
      const words = new Uint32Array([n, r.dst, r.src, r.cnt, Math.ceil(n / DOT_BLOCK), r.op, r.j, this.rowStride()]);
      this.mem.device.queue.writeBuffer(this.b.params, idx * RECORD_STRIDE, words);
      this.records.set(key, idx);
    }
    return idx;
  }

  private rowStride(): number {
    return Math.min(Math.ceil(this.setup!.n / 256), 65535) * 256;
  }

  private bindings(k: Kernel): GPUBuffer[] {
    const b = this.b;
    switch (k) {
      case 'spmv':
        return [b.ptr, b.cols, b.w, b.vecs];
      case 'directDots':
        return [b.vecs, b.coef];
      case 'dots':
        return [b.vecs, b.partials];
      case 'reduce':
        return [b.partials, b.coef];
      case 'scalar':
        return [b.coef, b.scal];
      case 'subtract':
        return [b.coef, b.vecs];
      case 'scale':
        return [b.scal, b.vecs];
      case 'combine':
        return [b.ritz, b.vecs, b.out];
    }
  }

  private group(k: Kernel, rec: number | 'combine'): GPUBindGroup {
    const key = `${k}:${rec}`;
    let g = this.groups.get(key);
    if (!g) {
      const params: GPUBufferBinding = rec === 'combine' ? { buffer: this.b.combineParams } : { buffer: this.b.params, offset: rec * RECORD_STRIDE, size: 32 };
      g = this.mem.device.createBindGroup({
        layout: this.pipes.get(k)!.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: params }, ...this.bindings(k).map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
      });
      this.groups.set(key, g);
    }
    return g;
  }

  private run(pass: GPUComputePassEncoder, k: Kernel, r: Dispatch): void {
    const rec = this.record(r);
    pass.setPipeline(this.pipes.get(k)!);
    pass.setBindGroup(0, this.group(k, rec));
    const { n } = this.setup!;
    if (k === 'directDots') pass.dispatchWorkgroups(Math.ceil(r.cnt / 64));
    else if (k === 'dots') pass.dispatchWorkgroups(Math.ceil(n / DOT_BLOCK), r.cnt);
    else if (k === 'reduce') pass.dispatchWorkgroups(r.cnt);
    else if (k === 'scalar') pass.dispatchWorkgroups(1);
    else dispatch1d(pass, Math.ceil(n / 256));
  }

  /** c = ⟨vecs[dst], vecs[src + j]⟩ for j < cnt, into coef. */
  private dots(pass: GPUComputePassEncoder, dst: number, src: number, cnt: number): void {
    const r = { dst, src, cnt, op: 0, j: 0 };
    if (this.setup!.n < (this.hooks.blockedDotsFrom ?? DIRECT_DOTS_BELOW)) {
      this.run(pass, 'directDots', r);
      return;
    }
    this.run(pass, 'dots', r);
    this.run(pass, 'reduce', r);
  }

  /** The pass's start vector into row 1: deflated by the trivial vector and normalised. False if nothing is left of it. */
  private async beginPass(): Promise<boolean> {
    const { m } = this.setup!;
    const dev = this.mem.device;
    dev.queue.writeBuffer(this.b.vecs, 4 * this.setup!.n, Float32Array.from(this.start!));
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    this.dots(pass, 1, 0, 1);
    this.run(pass, 'subtract', { dst: 1, src: 0, cnt: 1, op: 0, j: 0 });
    this.dots(pass, 1, 1, 1);
    this.run(pass, 'scalar', { dst: 0, src: 0, cnt: 1, op: OP.norm, j: 0 });
    this.run(pass, 'scale', { dst: 1, src: 1, cnt: 0, op: 0, j: 0 });
    pass.end();
    const scal = await this.submitAndReadScalars(enc, m);
    this.step = 0;
    // The same threshold as the scale kernel's: a start vector it would zero is no start.
    return scal[2 * m + 1]! > 1e-10;
  }

  /**
   * Lanczos steps [from, to) of this pass; the number of steps the pass has if it broke down among
   * them (β ≈ 0), else null.
   */
  private async runSteps(from: number, to: number): Promise<number | null> {
    const { m } = this.setup!;
    const W = m + 1;
    const enc = this.mem.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let j = from; j < to; j++) {
      this.run(pass, 'spmv', { dst: W, src: 1 + j, cnt: 0, op: 0, j: 0 });
      this.dots(pass, W, 1 + j, 1);
      this.run(pass, 'scalar', { dst: 0, src: 0, cnt: 0, op: OP.alpha, j });
      this.run(pass, 'subtract', { dst: W, src: j > 0 ? j : 1, cnt: j > 0 ? 2 : 1, op: 0, j: 0 });
      for (let twice = 0; twice < 2; twice++) {
        this.dots(pass, W, 0, j + 2);
        this.run(pass, 'subtract', { dst: W, src: 0, cnt: j + 2, op: 0, j: 0 });
      }
      this.dots(pass, W, W, 1);
      this.run(pass, 'scalar', { dst: 0, src: 0, cnt: 0, op: OP.beta, j });
      if (j + 1 < m) this.run(pass, 'scale', { dst: 2 + j, src: W, cnt: 0, op: 0, j: 0 });
    }
    pass.end();
    const scal = await this.submitAndReadScalars(enc, m);
    this.totalSteps += to - from;
    this.hooks.afterBatch?.(this.totalSteps);
    for (let j = from; j < to; j++) {
      this.alpha[j] = scal[j]!;
      this.beta[j] = scal[m + j]!;
      if (!Number.isFinite(this.alpha[j]!) || !Number.isFinite(this.beta[j]!)) throw new GpuSolveUnfit('the GPU Lanczos step gave non-finite values');
      if (this.beta[j]! < 1e-10) return j + 1;
    }
    this.step = to;
    return null;
  }

  private async submitAndReadScalars(enc: GPUCommandEncoder, m: number): Promise<Float32Array> {
    enc.copyBufferToBuffer(this.b.scal, 0, this.b.scalRead, 0, (2 * m + 2) * 4);
    this.mem.device.queue.submit([enc.finish()]);
    const t0 = now();
    await this.b.scalRead.mapAsync(GPUMapMode.READ);
    const scal = new Float32Array(this.b.scalRead.getMappedRange().slice(0));
    this.b.scalRead.unmap();
    this.readBackMs += now() - t0;
    this.readBacks++;
    return scal;
  }

  /** The pass's Ritz vectors; the outcome if the solve is done, else null (the next pass restarts). */
  private async endPass(steps: number): Promise<SpectralOutcome | null> {
    const { n } = this.setup!;
    const nc = this.nComponents;
    const { coefs, maxResidual } = ritzCoefficients(this.alpha, this.beta, steps, nc);
    const dev = this.mem.device;
    dev.queue.writeBuffer(this.b.ritz, 0, Float32Array.from(coefs));
    dev.queue.writeBuffer(this.b.combineParams, 0, new Uint32Array([n, 0, 1, nc, 0, 0, steps, this.rowStride()]));
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipes.get('combine')!);
    pass.setBindGroup(0, this.group('combine', 'combine'));
    dispatch1d(pass, Math.ceil(n / 256));
    pass.end();
    enc.copyBufferToBuffer(this.b.out, 0, this.b.outRead, 0, n * nc * 4);
    dev.queue.submit([enc.finish()]);
    const t0 = now();
    await this.b.outRead.mapAsync(GPUMapMode.READ);
    this.best = Float64Array.from(new Float32Array(this.b.outRead.getMappedRange()));
    this.b.outRead.unmap();
    this.readBackMs += now() - t0;
    this.readBacks++;
    if (maxResidual < RESIDUAL_TOLERANCE || this.pass === MAX_PASSES - 1) {
      const outcome = finiteOutcome(this.best);
      if (!outcome.ok) throw new GpuSolveUnfit('the GPU Ritz vectors are not finite');
      return outcome;
    }
    this.start = restartVector(this.best, n, nc);
    this.pass++;
    this.step = -1;
    this.alpha.fill(0);
    this.beta.fill(0);
    return null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.bufs) this.mem.free(b);
    this.bufs = [];
    this.groups.clear();
  }
}

/** The GPU solve went numerically wrong (f32 overflow, say): the CPU solves it instead. */
export class GpuSolveUnfit extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuSolveUnfit';
  }
}
