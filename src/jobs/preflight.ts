// Before a fit starts: will it fit this device, about how long will it take, and if it will not fit,
// what would. The estimate's model is preflight-model.ts; this file reads the device and decides.
import { epochsFor, resolveParams } from '../engine/params';
import { PCA_PASSES } from '../engine/streamed-pca';
import type { UmapParams } from '../engine/types';
import { GPU_EXACT_WORK, planGpuKnn } from '../gpu/knn-plan';
import { estimateMemory, estimateTime, type JobShape, type MemoryEstimate, type TimeEstimate } from './preflight-model';

/** What this device offers a job, as the browser tells it. */
export interface DeviceLimits {
  /** navigator.deviceMemory in GiB: a floor (Chromium rounds down to a power of two and caps it at 8); null when not told. */
  deviceMemoryGiB: number | null;
  cores: number;
  /** The page is cross-origin isolated: the rows live in one shared wasm32 Memory, which stops at 4 GiB. */
  sharedRows: boolean;
  /** A hardware WebGPU adapter's buffer limits; null when there is none (or it was not asked). */
  gpu: { maxBufferSize: number; maxStorageBufferBindingSize: number } | null;
}

/** One wasm32 memory's ceiling. */
const WASM32_BYTES = 4 * 2 ** 30;
/** The value Chromium caps deviceMemory at: a device reporting it may have any amount above. */
const DEVICE_MEMORY_CAP_GIB = 8;
/** Above this share of the memory the device reports, the job may well not fit (the OS, the browser and other tabs need the rest). */
const TIGHT_SHARE = 0.5;
/**
 * The PCA's multiply-adds per second in its one Worker, measured on the 2-core machine while others
 * loaded it (docs/preflight.md): on an idle machine the PCA runs faster than this says.
 */
const PCA_MACS_PER_S = 1e8;
/** The reductions offered, largest first: the largest that fits is the one to try. */
const PCA_CHOICES = [256, 128, 64, 32, 16, 8] as const;

/** The device as this page sees it now (the GPU's limits are asked separately: readGpuLimits). */
export function readDevice(gpu: DeviceLimits['gpu'] = null): DeviceLimits {
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const mem = nav?.deviceMemory;
  return {
    deviceMemoryGiB: typeof mem === 'number' && mem > 0 ? mem : null,
    cores: nav?.hardwareConcurrency || 2,
    sharedRows: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined',
    gpu,
  };
}

/** The job a preflight is about: the rows' size, where they sit, and the run's parameters. */
export interface PreflightJob {
  n: number;
  d: number;
  params: Partial<UmapParams>;
  /** The rows already sit in shared memory (the ingest wrote them there): the job reads them in place. */
  rowsShared: boolean;
}

type Verdict = 'fits' | 'tight' | 'refused';

export type PreflightOption =
  | { kind: 'pca'; k: number; fits: boolean; memory: MemoryEstimate; seconds: number; pcaSeconds: number; quality: string }
  | { kind: 'gpu'; available: boolean; fits: boolean; why: string; memory: MemoryEstimate | null; quality: string }
  | { kind: 'float16'; available: false; why: string };

export interface Preflight {
  memory: MemoryEstimate;
  time: TimeEstimate;
  /** Bytes this device offers a job (null: it does not say, or it reports the cap). */
  offeredBytes: number | null;
  verdict: Verdict;
  /** Why it is refused or tight, naming the numbers; null when it fits. */
  message: string | null;
  /** What would fit instead (only when it does not fit as it is). */
  options: PreflightOption[];
}

export function formatGB(bytes: number): string {
  const gb = bytes / 2 ** 30;
  // Below a tenth of a GB two decimals say little ("0.01 GB" for the digits demo): MB then.
  if (gb < 0.1) return `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
  return `${gb < 1 ? gb.toFixed(2) : gb.toFixed(1)} GB`;
}

/** Copies of the rows a fit holds: the page's and the job's shared one, or the page's and one per Worker when they are posted. */
function rowCopies(job: PreflightJob, device: DeviceLimits): number {
  if (device.sharedRows) return job.rowsShared ? 1 : 2;
  return 2 + device.cores;
}

function shapeOf(job: PreflightJob, device: DeviceLimits, d = job.d, copies = rowCopies(job, device)): JobShape {
  const p = resolveParams(job.params, Math.max(job.n, (job.params.nNeighbors ?? 15) + 1));
  // Forced onto the GPU, the kNN is exact there whenever its work is small enough (knn-plan.ts).
  const gpuKnn = p.backend === 'webgpu' && job.n * job.n * d <= GPU_EXACT_WORK;
  return { n: job.n, d, nNeighbors: p.nNeighbors, epochs: epochsFor(p, job.n), nComponents: p.nComponents, rowCopies: copies, gpuKnn };
}

/** Why a job of this memory cannot run here ('refused'), may not ('tight'), or null. */
function judge(memory: MemoryEstimate, rowBytes: number, device: DeviceLimits): { verdict: Verdict; message: string | null } {
  const need = memory.totalBytes;
  if (device.sharedRows && rowBytes > WASM32_BYTES) {
    return { verdict: 'refused', message: `The rows need ${formatGB(rowBytes)}, but one wasm32 memory holds at most 4 GB.` };
  }
  const mem = device.deviceMemoryGiB;
  if (mem !== null && mem < DEVICE_MEMORY_CAP_GIB) {
    const offered = mem * 2 ** 30;
    if (need > offered)
      return {
        verdict: 'refused',
        message: `This job needs ≈ ${formatGB(need)}; this device offers ≈ ${formatGB(offered)} (its whole memory, as the browser reports it). It would run out of memory.`,
      };
    if (need > TIGHT_SHARE * offered)
      return { verdict: 'tight', message: `This job needs ≈ ${formatGB(need)} of the ≈ ${formatGB(offered)} this device has: it may run out of memory if other programs need theirs.` };
    return { verdict: 'fits', message: null };
  }
  const floor = DEVICE_MEMORY_CAP_GIB * 2 ** 30;
  if (need > TIGHT_SHARE * floor) return { verdict: 'tight', message: `This job needs ≈ ${formatGB(need)}; the browser says only that this device has at least 8 GB.` };
  return { verdict: 'fits', message: null };
}

function pcaOption(job: PreflightJob, device: DeviceLimits, k: number): Extract<PreflightOption, { kind: 'pca' }> {
  // The reduced rows replace the loaded ones, and go where the job reads them in place when it can.
  const shape = shapeOf({ ...job, rowsShared: device.sharedRows }, device, k);
  const memory = estimateMemory(shape);
  const l = Math.min(job.d, k + 10);
  const pcaSeconds = (job.n * job.d * ((PCA_PASSES - 2) * 2 * l + k)) / PCA_MACS_PER_S;
  const fits = judge(memory, job.n * k * 4, device).verdict !== 'refused';
  const quality = `keeps the ${k} directions of largest variance of ${job.d}; the share of variance kept is measured by the PCA and shown when it has run. Neighbours are found among the reduced rows.`;
  return { kind: 'pca', k, fits, memory, seconds: estimateTime(shape, device.cores).total, pcaSeconds, quality };
}

function gpuOption(job: PreflightJob, device: DeviceLimits): Extract<PreflightOption, { kind: 'gpu' }> {
  const quality = 'the same map: exact neighbours on the GPU where they fit it, the same layout.';
  if (!device.gpu) return { kind: 'gpu', available: false, fits: false, why: 'no hardware WebGPU adapter here', memory: null, quality };
  const p = resolveParams(job.params, Math.max(job.n, (job.params.nNeighbors ?? 15) + 1));
  const limits = { maxBufferSize: device.gpu.maxBufferSize, maxStorageBufferBindingSize: device.gpu.maxStorageBufferBindingSize } as GPUSupportedLimits;
  const plan = planGpuKnn(limits, job.n, job.d, p.knnChunkSize, p.gpuMemoryFraction);
  // A plan that streams the rows keeps them in this device's memory: no help to a job that does not fit it.
  if (!plan.fits || plan.streamed) return { kind: 'gpu', available: false, fits: false, why: `the GPU's limits do not hold the rows (${plan.reason})`, memory: null, quality };
  const memory = estimateMemory(shapeOf({ ...job, params: { ...job.params, backend: 'webgpu' } }, device));
  const fits = judge(memory, job.n * job.d * 4, device).verdict !== 'refused';
  return {
    kind: 'gpu',
    available: true,
    fits,
    why: fits ? `the GPU's limits hold the rows (${plan.reason})` : 'the rows stay in this device’s memory too, and do not fit it',
    memory,
    quality,
  };
}

/** The estimate of a fit of these rows here, its verdict, and when it does not fit, the options. */
export function preflight(job: PreflightJob, device: DeviceLimits): Preflight {
  const shape = shapeOf(job, device);
  const memory = estimateMemory(shape);
  const time = estimateTime(shape, device.cores);
  const { verdict, message } = judge(memory, job.n * job.d * 4, device);
  const mem = device.deviceMemoryGiB;
  const offeredBytes = mem !== null && mem < DEVICE_MEMORY_CAP_GIB ? mem * 2 ** 30 : null;
  const options: PreflightOption[] = [];
  if (verdict !== 'fits') {
    for (const k of PCA_CHOICES) if (k < job.d) options.push(pcaOption(job, device, k));
    options.push(gpuOption(job, device));
    options.push({ kind: 'float16', available: false, why: 'float16 rows are not in the engine yet' });
  }
  return { memory, time, offeredBytes, verdict, message, options };
}

/** Thrown by the scheduler's submit for a fit certain to run out of memory; the message names the numbers. */
export class PreflightRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightRefusal';
  }
}

/** Throw PreflightRefusal when the fit cannot fit this device; the one check every submit passes. */
export function assertFits(job: PreflightJob, device: DeviceLimits): void {
  let p: Preflight;
  try {
    p = preflight(job, device);
  } catch {
    return; // Parameters the engine rejects: the job's own validation says what is wrong.
  }
  if (p.verdict !== 'refused') return;
  const pca = p.options.find((o) => o.kind === 'pca' && o.fits) as Extract<PreflightOption, { kind: 'pca' }> | undefined;
  throw new PreflightRefusal(`${p.message} Not started.${pca ? ` Reduce the rows first (PCA to ${pca.k} dimensions fits, ≈ ${formatGB(pca.memory.totalBytes)}).` : ''}`);
}

/** The first hardware WebGPU adapter's buffer limits, or null (no WebGPU, no adapter, or a software one). */
export async function readGpuLimits(): Promise<DeviceLimits['gpu']> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    const { isSoftwareAdapter } = await import('../gpu/backend');
    if (!adapter || isSoftwareAdapter(adapter)) return null;
    return { maxBufferSize: Number(adapter.limits.maxBufferSize), maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize) };
  } catch {
    return null;
  }
}
