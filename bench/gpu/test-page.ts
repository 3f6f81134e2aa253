/// <reference types="@webgpu/types" />
// Entry of gpu-test.html: lets the e2e specs drive the WebGPU path directly (kNN against the CPU's
// exact kNN) and through the app's own job path (runJob → job Worker → engine).
import { runJob, type JobOptions } from '../../src/jobs/run-job';
import type { UmapParams } from '../../src/engine/types';
import { exactKnnChunk, exactRowScale } from '../../src/engine/knn-exact';
import { GpuCompute } from '../../src/gpu/gpu-compute';
import type { DistTile } from '../../src/gpu/gpu-knn-search';
import { chooseBackend } from '../../src/gpu/backend';
import { GpuBuffers } from '../../src/gpu/gpu-buffers';
import { GpuSpectralSolve } from '../../src/gpu/gpu-spectral';
import { GpuSmoothKnn } from '../../src/gpu/gpu-smooth-knn';
import { spectralLayout } from '../../src/engine/spectral-layout';
import { meanDistance, smoothKnnDist } from '../../src/engine/smooth-knn-dist';
import { fuzzySimplicialSet } from '../../src/engine/fuzzy-simplicial-set';

async function job(values: number[], n: number, d: number, params: Partial<UmapParams>, options: JobOptions = {}) {
  const data = Float32Array.from(values);
  const log: string[] = [];
  try {
    const r = await runJob({ data, n, d }, params, { onLog: (l) => log.push(l) }, { threads: 2, ...options }).result;
    return { ok: true as const, coords: Array.from(r.embedding), backend: r.backend ?? null, log: r.log, liveLog: log };
  } catch (e) {
    return { ok: false as const, error: (e as Error).message, liveLog: log };
  }
}

/** GPU exact kNN of every row against the CPU's exact kNN: mean recall, and the adapter's name. */
async function knnRecall(
  values: number[],
  n: number,
  d: number,
  k: number,
  metric: 'euclidean' | 'cosine',
  chunkSize: number,
  maxBlockRows?: number,
  distTile: DistTile = 64,
  streamRows = false,
) {
  const data = Float32Array.from(values);
  const choice = await chooseBackend('webgpu');
  if (!choice.adapter) throw new Error(choice.report.reason);
  const device = await choice.adapter.requestDevice();
  const gpu = GpuCompute.create(device, n, d, metric, { chunkSize, maxBlockRows, distTile, streamRows });
  await gpu.uploadData(data);
  const scale = exactRowScale(data, n, d, metric);
  let hit = 0;
  let maxDistErr = 0;
  const all = new Int32Array(n * k);
  for (let s = 0; s < n; s += chunkSize) {
    const e = Math.min(n, s + chunkSize);
    const g = await gpu.exactKnn(s, e, k);
    all.set(g.indices, s * k);
    const c = exactKnnChunk(data, n, d, metric, scale, s, e, k);
    for (let q = 0; q < e - s; q++) {
      const want = new Set(Array.from(c.indices.subarray(q * k, q * k + k)));
      for (let t = 0; t < k; t++) {
        if (want.has(g.indices[q * k + t]!)) hit++;
        maxDistErr = Math.max(maxDistErr, Math.abs(g.distances[q * k + t]! - c.distances[q * k + t]!));
      }
    }
  }
  const held = gpu.bytesHeld;
  gpu.dispose();
  device.destroy();
  return {
    recall: hit / (n * k),
    maxDistErr,
    adapter: choice.report.adapter,
    bytesHeldBeforeDispose: held,
    blocks: gpu.plan.nBlocks,
    streamed: gpu.plan.streamed,
    neighbours: Array.from(all),
  };
}

/**
 * The graph phase's smoothing and the spectral init of one fuzzy graph (exact 15-NN, umap-learn's
 * defaults) by the CPU and by the GPU: the largest relative difference in ρ or σ, both embeddings,
 * the GPU solve's log, and the bytes the GPU side still held once done.
 */
async function spectral(values: number[], n: number, d: number, seed: number, blockedDotsFrom?: number) {
  const data = Float32Array.from(values);
  const k = 15;
  const c = exactKnnChunk(data, n, d, 'euclidean', exactRowScale(data, n, d, 'euclidean'), 0, n, k - 1);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    indices.set(c.indices.subarray(i * (k - 1), (i + 1) * (k - 1)), i * k + 1);
    distances.set(c.distances.subarray(i * (k - 1), (i + 1) * (k - 1)), i * k + 1);
  }
  const knn = { n, k, indices, distances };
  const rhos = new Float32Array(n);
  const sigmas = new Float32Array(n);
  smoothKnnDist(knn, 1, meanDistance(knn), 0, n, rhos, sigmas);
  const graph = fuzzySimplicialSet(knn, rhos, sigmas, 1);
  const cpu = spectralLayout(graph, 2, seed);
  const choice = await chooseBackend('webgpu');
  if (!choice.adapter) throw new Error(choice.report.reason);
  const device = await choice.adapter.requestDevice();
  const mem = new GpuBuffers(device);
  const smooth = await GpuSmoothKnn.create(mem, knn);
  const gr = new Float32Array(n);
  const gs = new Float32Array(n);
  for (let s = 0; s < n; s += 700) await smooth.rows(1, meanDistance(knn), s, Math.min(n, s + 700), gr, gs);
  smooth.dispose();
  let smoothErr = 0;
  for (let i = 0; i < n; i++) smoothErr = Math.max(smoothErr, Math.abs(gr[i]! - rhos[i]!) / Math.max(rhos[i]!, 1e-6), Math.abs(gs[i]! - sigmas[i]!) / sigmas[i]!);
  const log: string[] = [];
  const solve = new GpuSpectralSolve(mem, graph, 2, seed, { log: (l) => log.push(l), blockedDotsFrom });
  let gpu = await solve.advance(() => true);
  while (!gpu) gpu = await solve.advance(() => true);
  const held = mem.bytesHeld;
  device.destroy();
  return { cpu: cpu.ok ? Array.from(cpu.coords) : cpu.reason, gpu: gpu.ok ? Array.from(gpu.coords) : gpu.reason, log, held, smoothErr };
}

declare global {
  interface Window {
    __gpuTest?: { job: typeof job; knnRecall: typeof knnRecall; spectral: typeof spectral; ready: true };
  }
}

window.__gpuTest = { job, knnRecall, spectral, ready: true };
