/// <reference types="@webgpu/types" />
// Sizing of the GPU kNN before any device work: how the rows split into blocks under the device's
// limits and memory budget, and whether kNN runs exact on the GPU at all. Pure arithmetic over
// GPUSupportedLimits, kept apart from GpuCompute so the backend choice and tests can plan without a device.
import type { UmapParams } from '../engine/types';

/** How the data is laid out on the device, or why it cannot be. */
export interface GpuKnnLayout {
  fits: boolean;
  /**
   * The rows do not fit the budget at once: they stay in the job's memory and every search streams
   * them through one block-sized buffer (the same tiles and merge, so the same neighbours).
   */
  streamed: boolean;
  reason: string;
  blockRows: number;
  nBlocks: number;
  budgetBytes: number;
  bytes: number;
}

/** Block starts stay 256-byte aligned in the norms buffer (GpuCompute binds it at block offsets). */
export const ALIGN_ROWS = 64;

/**
 * Plan the kNN blocks for n × d rows and q-row chunks under the device's limits and budget: resident
 * blocks where the rows fit, else one streamed block buffer, else nothing (`fits` false). Tests may
 * cap the rows per block, or stream data that would fit.
 */
export function planGpuKnn(limits: GPUSupportedLimits, n: number, d: number, chunk: number, memoryFraction = 0.8, maxBlockRows = Infinity, forceStream = false): GpuKnnLayout {
  const maxBinding = Number(limits.maxStorageBufferBindingSize);
  const budgetBytes = Math.floor(memoryFraction * Number(limits.maxBufferSize) * 4);
  // WebGPU does not say how much memory is free; the budget is a share of four of the largest
  // buffers the device allows, which keeps us well inside what a browser will hand one page.
  const common = n * 4 + chunk * d * 4 + chunk * 4 + (1 << 16);
  const capped = (rows: number) => {
    let r = Math.min(Math.floor(maxBinding / (d * 4)), Math.floor(maxBinding / (chunk * 4)), rows, maxBlockRows);
    r = Math.floor(r / ALIGN_ROWS) * ALIGN_ROWS;
    return r >= n ? Math.ceil(n / ALIGN_ROWS) * ALIGN_ROWS : r;
  };
  // Resident: every row on the device, plus one chunk × block distance tile.
  const resident = capped(Math.floor((budgetBytes - common - n * d * 4) / (chunk * 4)));
  if (resident >= ALIGN_ROWS && !forceStream) {
    const nBlocks = Math.ceil(n / resident);
    const bytes = common + n * d * 4 + chunk * resident * 4;
    return {
      fits: true,
      streamed: false,
      reason: `${nBlocks} block(s) of ≤ ${resident} rows, ${mb(bytes)} of a ${mb(budgetBytes)} budget`,
      blockRows: resident,
      nBlocks,
      budgetBytes,
      bytes,
    };
  }
  // Streamed: one block buffer and its distance tile.
  const streamed = capped(Math.floor((budgetBytes - common) / (d * 4 + chunk * 4)));
  if (streamed >= ALIGN_ROWS) {
    const nBlocks = Math.ceil(n / streamed);
    const bytes = common + streamed * (d * 4 + chunk * 4);
    const why = forceStream ? 'streaming forced' : `the rows (${mb(n * d * 4)}) exceed the GPU budget of ${mb(budgetBytes)}`;
    return {
      fits: true,
      streamed: true,
      reason: `rows streamed in ${nBlocks} block(s) of ≤ ${streamed} rows per search (${why}), ${mb(bytes)} held`,
      blockRows: streamed,
      nBlocks,
      budgetBytes,
      bytes,
    };
  }
  return {
    fits: false,
    streamed: false,
    reason: `not even one ${ALIGN_ROWS}-row block of the data (${mb(n * d * 4)}) fits the GPU budget of ${mb(budgetBytes)}`,
    blockRows: 0,
    nBlocks: 0,
    budgetBytes,
    bytes: common,
  };
}

/** The GPU does exact kNN when its n²·d work stays under this (seconds on a current discrete GPU). */
export const GPU_EXACT_WORK = 2e13;

/**
 * Exact kNN is the default on a GPU: raise exactKnnMaxN to n when the data fits the device and
 * n²·d is under GPU_EXACT_WORK; above, kNN stays approximate (RP trees + NN-descent on the CPU).
 */
export function gpuKnnDecision(limits: GPUSupportedLimits, params: UmapParams, n: number, d: number): { params: UmapParams; line: string } {
  const p = { ...params };
  const plan = planGpuKnn(limits, n, d, p.knnChunkSize, p.gpuMemoryFraction);
  const work = n * n * d;
  if (plan.fits && work <= GPU_EXACT_WORK) {
    if (n > p.exactKnnMaxN) p.exactKnnMaxN = n;
    return { params: p, line: `GPU kNN: exact, ${plan.reason}.` };
  }
  if (plan.fits) {
    return {
      params: p,
      line: `GPU kNN: n²·d = ${work.toExponential(1)} is above the exact budget (${GPU_EXACT_WORK.toExponential(0)}); kNN is approximate (CPU), the layout runs on the GPU.`,
    };
  }
  return { params: p, line: `GPU kNN: ${plan.reason}; kNN runs on the CPU, the layout on the GPU.` };
}

function mb(b: number): string {
  return `${(b / 2 ** 20).toFixed(0)} MiB`;
}
