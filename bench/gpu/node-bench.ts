/// <reference types="@webgpu/types" />
// The engine's WebGPU path without a browser: Node + the npm package `webgpu` (Dawn). Bundled by
// scripts/gpu-node-bench.mjs into .gpu-run/ (self-contained but for Dawn's dawn.node, copied beside it).
// Prints phase times, kNN recall against exact CPU kNN on a sample, and layout quality, as JSON lines.
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import { UmapEngine } from '../../src/engine/engine';
import { ComputeCore, LocalPool } from '../../src/engine/compute-core';
import { resolveParams } from '../../src/engine/params';
import { gaussianMixture } from '../../src/engine/synthetic';
import { clusterStream } from '../fast-clusters';
import { exactKnnOf, sampleIndices, trustworthiness } from '../quality';
import type { KnnGraph } from '../../src/engine/types';
import { GpuCompute } from '../../src/gpu/gpu-compute';
import { DIST_TILES, type DistTile } from '../../src/gpu/gpu-knn-search';
import { gpuKnnDecision } from '../../src/gpu/knn-plan';
import { GpuPool } from '../../src/gpu/gpu-pool';
import { describeAdapter, isSoftwareAdapter, requestDeviceWithAdapterLimits } from '../../src/gpu/backend';

const { values: a } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    d: { type: 'string', default: '768' },
    neighbors: { type: 'string', default: '15' },
    epochs: { type: 'string' },
    metric: { type: 'string', default: 'euclidean' },
    sample: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    chunk: { type: 'string', default: '1000' },
    'dawn-flags': { type: 'string', default: '' },
    'no-quality': { type: 'boolean', default: false },
    /** Distance kernel: 64, 128, u64, u128 (default; 64 on software adapters). See GpuComputeOptions.distTile. */
    tile: { type: 'string' },
    /** Time only the GPU kNN (upload + every chunk), no engine. */
    'knn-only': { type: 'boolean', default: false },
    'centre-scale': { type: 'string', default: '0.2' },
  },
});

const n = Number(a.n);
const d = Number(a.d);
const out = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

async function main(): Promise<void> {
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, …
  const flags = a['dawn-flags'] ? a['dawn-flags'].split(' ') : [];
  const gpu = create(flags) as unknown as GPU;
  const t0 = performance.now();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    out({ event: 'no-adapter', message: 'Dawn found no WebGPU adapter (no Vulkan driver / ICD?)' });
    process.exitCode = 2;
    return;
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const L = adapter.limits;
  const device = await requestDeviceWithAdapterLimits(adapter);
  device.addEventListener('uncapturederror', (e) => out({ event: 'gpu-error', message: (e as GPUUncapturedErrorEvent).error.message }));
  out({
    event: 'adapter',
    adapter: describeAdapter(info),
    software: isSoftwareAdapter(adapter),
    maxStorageBufferBindingSize: Number(L.maxStorageBufferBindingSize),
    maxBufferSize: Number(L.maxBufferSize),
    maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
    device_s: (performance.now() - t0) / 1000,
  });

  const tg = performance.now();
  // The engine's Gaussian mixture is slow to draw at 100k × 768 in JS; above 20k points 20 isotropic
  // clusters come from a cheap generator instead, their centres close enough (--centre-scale, in
  // units of the noise) that the kNN graph stays connected, as real embeddings' graphs are.
  const data = n > 20_000 ? clusterStream(d, 20, 7, Number(a['centre-scale']))(n) : gaussianMixture({ n, d, seed: 7 }).data;
  out({ event: 'data', n, d, gen_s: (performance.now() - tg) / 1000 });

  const params0 = resolveParams(
    {
      nNeighbors: Number(a.neighbors),
      metric: a.metric as 'euclidean' | 'cosine',
      seed: Number(a.seed),
      knnChunkSize: Number(a.chunk),
      nEpochs: a.epochs ? Number(a.epochs) : null,
      backend: 'webgpu',
    },
    n,
  );
  const decision = gpuKnnDecision(device.limits, params0, n, d);
  out({ event: 'plan', line: decision.line, exactKnnMaxN: decision.params.exactKnnMaxN });

  const distTile = (a.tile ? (/^\d+$/.test(a.tile) ? Number(a.tile) : a.tile) : isSoftwareAdapter(adapter) ? 64 : 'u128') as DistTile;
  if (!DIST_TILES.includes(distTile)) throw new Error(`--tile must be one of ${DIST_TILES.join(', ')}`);
  if (a['knn-only']) {
    const chunk = decision.params.knnChunkSize;
    const k = decision.params.nNeighbors - 1;
    const g = GpuCompute.create(device, n, d, decision.params.metric, { chunkSize: chunk, distTile });
    const t1 = performance.now();
    await g.uploadData(data);
    const t2 = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let s = 0; s < n; s += chunk) {
      inflight.push(g.exactKnn(s, Math.min(n, s + chunk), k));
      if (inflight.length >= 2) await inflight.shift();
    }
    await Promise.all(inflight);
    const t3 = performance.now();
    const flops = 2 * n * n * d;
    out({ event: 'knn-only', tile: distTile, upload_s: (t2 - t1) / 1000, chunks_s: (t3 - t2) / 1000, tflops: flops / ((t3 - t2) / 1000) / 1e12, blocks: g.plan.nBlocks });
    g.dispose();
    device.destroy();
    return;
  }

  const start = performance.now();
  const core = new ComputeCore(data, n, d, decision.params.metric);
  const gc = GpuCompute.create(device, n, d, decision.params.metric, { chunkSize: decision.params.knnChunkSize, memoryFraction: decision.params.gpuMemoryFraction, distTile });
  const pool = new GpuPool(gc, new LocalPool(core), core.data, { log: (l) => out({ event: 'log', line: l }) });
  let knn: KnnGraph | null = null;
  const phaseEnd: Record<string, number> = {};
  let lastPhase = 'knn';
  const engine = new UmapEngine(
    { data: core.data, n, d },
    decision.params,
    {
      onLog: (line) => out({ event: 'log', line }),
      onBoundary(e) {
        if (e.phase !== lastPhase) {
          phaseEnd[lastPhase] = (performance.now() - start) / 1000;
          lastPhase = e.phase;
        }
        if (!knn && e.checkpoint().knn) knn = e.checkpoint().knn;
      },
    },
    { pool, core },
  );
  await engine.run();
  const wall = (performance.now() - start) / 1000;
  const r = engine.result();
  pool.dispose();
  out({ event: 'timings', tile: distTile, end_to_end_s: wall, phases_s: r.timings, phase_end_s: phaseEnd, on_gpu_to_the_end: pool.onGpu });

  if (!a['no-quality'] && knn) {
    const tq = performance.now();
    const m = Math.min(Number(a.sample), n);
    const sample = sampleIndices(n, m, 1);
    const k = decision.params.nNeighbors - 1;
    let recall: number | null = null;
    if (decision.params.metric === 'euclidean') {
      const exact = exactKnnOf(data, n, d, sample, k);
      const g = knn as KnnGraph;
      let hit = 0;
      for (let s = 0; s < m; s++) {
        const row = sample[s]!;
        const want = new Set(Array.from(exact.indices.subarray(s * k, s * k + k)));
        for (let t = 0; t < g.k; t++) {
          const j = g.indices[row * g.k + t]!;
          if (j !== row && want.has(j)) hit++;
        }
      }
      recall = hit / (m * k);
    }
    const tw = trustworthiness({ data, n, d }, { data: r.embedding, n, d: 2 }, 15, sample);
    out({ event: 'quality', knn_recall_vs_cpu_exact: recall, sample: m, trustworthiness_15: tw, quality_s: (performance.now() - tq) / 1000 });
  }
  device.destroy();
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    out({ event: 'error', message: (e as Error).stack ?? String(e) });
    process.exit(1);
  },
);
