/// <reference types="@webgpu/types" />
// A transform job's GPU session: a device of the chosen adapter, the GPU transform pool over it, and
// the end that proves every buffer was destroyed. Unlike a fit it needs no tfjs: every program is
// ours, so the device is requested directly (with the adapter's limits, as a fit's is).
import type { FittedModel } from '../engine/fitted-model';
import type { TransformPool } from '../engine/transform-core';
import { isSoftwareAdapter, requestDeviceWithAdapterLimits, type BackendChoice } from './backend';
import type { GpuFaults } from './gpu-faults';
import { GpuTransformCompute } from './gpu-transform-compute';
import { GpuTransformPool } from './gpu-transform-pool';

export interface GpuTransformSession {
  pool: GpuTransformPool;
  /** Free everything and destroy the device; fills in the report's `gpuBytesLeft`. */
  end(): Promise<void>;
}

/**
 * Start the GPU side of a transform of `rows` (m × d new points, with their keys) into `model`;
 * `cpu` does what stays on the CPU and takes over if the device is lost.
 */
export async function startGpuTransform(
  choice: BackendChoice,
  model: FittedModel,
  rows: Float32Array,
  keys: Uint32Array,
  sizing: { chunkSize: number; memoryFraction: number },
  cpu: TransformPool,
  log: (line: string) => void,
  faults: GpuFaults = {},
): Promise<GpuTransformSession> {
  const adapter = choice.adapter!;
  const device = await requestDeviceWithAdapterLimits(adapter);
  const gpu = new GpuTransformCompute(device, model, {
    chunkSize: sizing.chunkSize,
    memoryFraction: sizing.memoryFraction,
    // As for a fit: SwiftShader compiles and runs the small tile far faster.
    distTile: isSoftwareAdapter(adapter) ? 64 : 'u128',
    breakWgsl: faults.breakWgsl === true,
  });
  const pool = new GpuTransformPool(gpu, cpu, rows, keys, { faults, log, onFallback: (line) => (choice.report.fellBackToCpu = line) });
  return {
    pool,
    async end() {
      const leftover = gpu.mem.tempBytes;
      pool.dispose();
      choice.report.gpuBytesLeft = leftover + gpu.mem.bytesHeld;
      device.destroy();
    },
  };
}
