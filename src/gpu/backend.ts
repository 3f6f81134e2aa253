/// <reference types="@webgpu/types" />
// Backend choice and the GPU session of a job Worker. tfjs (core + its WebGPU backend) is imported
// dynamically here and only when a GPU job starts, so the CPU path never loads it.
import type { ComputePool } from '../engine/compute-core';
import type { UmapParams } from '../engine/types';
import { GpuCompute } from './gpu-compute';
import { gpuKnnDecision } from './knn-plan';
import type { GpuFaults } from './gpu-faults';
import { GpuPool, type GpuPoolOptions } from './gpu-pool';

export type BackendPreference = 'auto' | 'cpu' | 'webgpu';

/** What ran a job, and why; part of the job's result. */
export interface BackendReport {
  [key: string]: unknown;
  backend: 'cpu' | 'webgpu';
  reason: string;
  adapter?: string;
  /** Set when the device was lost mid-job and the CPU finished the work. */
  fellBackToCpu?: string;
  /** tf.memory() at the start and end of the GPU session (must match). */
  tfMemory?: { before: { numTensors: number; numBytes: number }; after: { numTensors: number; numBytes: number } };
  /** GPU buffer bytes this job still held after it ended (must be 0). */
  gpuBytesLeft?: number;
}

export interface BackendChoice {
  report: BackendReport;
  adapter: GPUAdapter | null;
}

export function describeAdapter(info: Partial<GPUAdapterInfo> | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && String(s).length > 0);
  return parts.length ? parts.join(' / ') : 'unnamed adapter';
}

/** Software adapters (SwiftShader and friends) compute on the CPU, slower than our own CPU path. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  const text = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`.toLowerCase();
  return fallback || /swiftshader|llvmpipe|lavapipe|software/.test(text);
}

/** Pick the backend for a job. Asks for an adapter, not a device: that comes under the GPU lock. */
export async function chooseBackend(pref: BackendPreference, gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<BackendChoice> {
  if (pref === 'cpu') return { report: { backend: 'cpu', reason: 'cpu: chosen in the settings' }, adapter: null };
  const none = (why: string): BackendChoice => ({
    report: { backend: 'cpu', reason: pref === 'webgpu' ? `webgpu was asked for, but ${why}; using CPU` : `auto: ${why}; using CPU` },
    adapter: null,
  });
  if (!gpu) return none('WebGPU is not available here');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return none(`requesting a WebGPU adapter failed (${(e as Error).message})`);
  }
  if (!adapter) return none('no WebGPU adapter was found');
  const name = describeAdapter((adapter as GPUAdapter & { info?: GPUAdapterInfo }).info);
  if (isSoftwareAdapter(adapter)) {
    if (pref === 'auto') return { report: { backend: 'cpu', reason: `auto: software adapter (${name}) is slower than the CPU path; using CPU`, adapter: name }, adapter: null };
    return { report: { backend: 'webgpu', reason: `webgpu: forced on a software adapter (${name})`, adapter: name }, adapter };
  }
  return { report: { backend: 'webgpu', reason: `${pref}: WebGPU adapter ${name}`, adapter: name }, adapter };
}

/** Name of the Web Lock that lets one job at a time use the GPU (across all Workers of an origin). */
/**
 * A device with the adapter's own limits for everything the kernels size against (as tfjs does),
 * rather than WebGPU's small defaults, so large storage buffers and workgroups are allowed. Shared by
 * the app (startGpuSession) and the Node bench (bench/gpu/node-bench.ts) so both run the same device.
 */
export function requestDeviceWithAdapterLimits(adapter: GPUAdapter): Promise<GPUDevice> {
  const L = adapter.limits;
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
    },
  });
}

const GPU_LOCK_NAME = 'mapstream-gpu';

/** Run fn holding the GPU lock; onWait is called if another job holds it. No Web Locks: runs at once. */
export async function withGpuLock<T>(fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return fn();
  const WAIT = Symbol('wait');
  const first = await locks.request(GPU_LOCK_NAME, { ifAvailable: true }, async (lock) => (lock ? { v: await fn() } : WAIT));
  if (first !== WAIT) return (first as { v: T }).v;
  onWait?.();
  return locks.request(GPU_LOCK_NAME, () => fn());
}

export interface GpuSession {
  pool: GpuPool;
  /** The parameters to run with: exact kNN when it fits the GPU. */
  params: UmapParams;
  /** Free everything; fills in the report's memory numbers. */
  end(): Promise<void>;
}

/**
 * Start tfjs's WebGPU backend on a device of the chosen adapter and build the GPU pool over it.
 * The device is created with the adapter's own limits (as tfjs does), so large buffers are allowed.
 */
export async function startGpuSession(
  choice: BackendChoice,
  params: UmapParams,
  data: Float32Array,
  n: number,
  d: number,
  cpu: ComputePool,
  log: (line: string) => void,
  faults: GpuFaults = {},
): Promise<GpuSession> {
  const adapter = choice.adapter!;
  const device = await requestDeviceWithAdapterLimits(adapter);
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const name = 'mapstream-webgpu';
  if (tf.findBackend(name)) tf.removeBackend(name);
  tf.registerBackend(name, () => new WebGPUBackend(device, (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info));
  if (!(await tf.setBackend(name))) throw new Error('tfjs could not start its WebGPU backend.');
  await tf.ready();
  const before = tf.memory();
  const memBefore = { numTensors: before.numTensors, numBytes: before.numBytes };

  const frac = params.gpuMemoryFraction;
  const decision = gpuKnnDecision(device.limits, params, n, d);
  const p = decision.params;
  log(decision.line);
  // The unrolled 128 tile is the fastest on a real GPU; a software adapter (only when forced) gets the
  // small tile, which SwiftShader compiles and runs far faster.
  const distTile = isSoftwareAdapter(adapter) ? 64 : 'u128';
  const gpu = GpuCompute.create(device, n, d, p.metric, { chunkSize: p.knnChunkSize, memoryFraction: frac, faults, distTile });
  const check = (where: string) => {
    const m = tf.memory();
    if (m.numTensors !== memBefore.numTensors || m.numBytes !== memBefore.numBytes) {
      log(`GPU memory check failed ${where}: ${m.numTensors} tensors / ${m.numBytes} bytes, expected ${memBefore.numTensors} / ${memBefore.numBytes}.`);
    }
  };
  const opts: GpuPoolOptions = {
    faults,
    log,
    onFallback: (line) => (choice.report.fellBackToCpu = line),
    onChunk: () => check('after a kNN chunk'),
  };
  const pool = new GpuPool(gpu, cpu, data, opts);
  return {
    pool,
    params: p,
    async end() {
      const leftover = gpu.tempBytes;
      pool.dispose();
      check('at the end of the job');
      const after = tf.memory();
      choice.report.tfMemory = { before: memBefore, after: { numTensors: after.numTensors, numBytes: after.numBytes } };
      choice.report.gpuBytesLeft = leftover + gpu.bytesHeld;
      try {
        tf.removeBackend(name);
      } catch {
        /* already gone */
      }
      device.destroy();
    },
  };
}
