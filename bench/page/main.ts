// Bench page: driven by scripts/bench.mjs through `window.mapstreamBench`. It holds one parsed copy of
// the data and runs one implementation at a time, each in its own dedicated Worker.
import { parseNpy } from '../../src/io/npy';
import { workerMode, type JobRows } from '../../src/jobs/run-job';
import { wasmSimdSupported } from '../../src/engine/wasm/row-kernels';
import { runPeer } from './run-peer';
import { runOursWithRelayouts, type Relayout, type RelayoutDone } from './impl-ours';
import type { BenchParams, RunDone } from './protocol';

export type ImplName = 'mapstream' | 'umap-js' | 'embedding-atlas';

export interface LoadResult {
  n: number;
  d: number;
  fetchS: number;
  parseS: number;
}

export interface RunResult extends Omit<RunDone, 'type' | 'embedding'> {
  impl: ImplName;
  backend: string;
  /** Measured here around the whole call, Worker start-up and transfers included. */
  pageWallS: number;
  backendReason: string | null;
  embeddingBase64: string;
  /** mapstream only: the --relayout re-runs after the full run, each reusing its graphs. */
  relayouts?: (Omit<RelayoutDone, 'embedding'> & { embeddingBase64: string })[];
}

let matrix: JobRows | null = null;

async function load(url: string, maxDim?: number): Promise<LoadResult> {
  const t0 = performance.now();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetch ${url}: HTTP ${res.status}`);
  const buf = await res.arrayBuffer();
  const t1 = performance.now();
  matrix = parseVectors(buf, url.slice(url.lastIndexOf('/') + 1), maxDim);
  const t2 = performance.now();
  return { n: matrix.n, d: matrix.d, fetchS: (t1 - t0) / 1000, parseS: (t2 - t1) / 1000 };
}

/**
 * The app's .npy reader, as the app's ingest runs it: on an isolated page the vectors are parsed
 * straight into shared wasm memory, which runJob, given that memory with the rows, hands to its
 * Workers without another copy. Peers read the same array.
 */
function parseVectors(buf: ArrayBuffer, fileName: string, maxDim?: number): JobRows {
  const shared = workerMode() === 'shared' && wasmSimdSupported();
  const ds = parseNpy(buf, fileName, { sharedMemory: shared, ...(maxDim !== undefined && { maxDim }) });
  return ds.memory ? { data: ds.data, n: ds.n, d: ds.d, memory: ds.memory } : { data: ds.data, n: ds.n, d: ds.d };
}

function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function peerWorker(impl: Exclude<ImplName, 'mapstream'>): Worker {
  // Literal URLs so Vite bundles each Worker as its own chunk.
  if (impl === 'umap-js') return new Worker(new URL('./peer-umapjs.worker.ts', import.meta.url), { type: 'module' });
  return new Worker(new URL('./peer-atlas.worker.ts', import.meta.url), { type: 'module' });
}

async function run(impl: ImplName, params: BenchParams, backend: string, relayout: Relayout[] = []): Promise<RunResult> {
  if (!matrix) throw new Error('load() the data first');
  const t0 = performance.now();
  if (impl === 'mapstream') {
    const { full, fullPageS: pageWallS, relayouts } = await runOursWithRelayouts(matrix, params, backend, relayout);
    const { type: _type, embedding, backendUsed, backendReason, ...rest } = full;
    const again = relayouts.map(({ embedding: e, ...r }) => ({ ...r, embeddingBase64: toBase64(e) }));
    return { ...rest, impl, backend: backendUsed, backendReason, pageWallS, embeddingBase64: toBase64(embedding), ...(again.length ? { relayouts: again } : {}) };
  }
  const { type: _type, embedding, ...rest } = await runPeer(peerWorker(impl), matrix, params);
  const pageWallS = (performance.now() - t0) / 1000;
  // Both peers run on the CPU here (embedding-atlas with gpu: false).
  return { ...rest, impl, backend: 'cpu', backendReason: null, pageWallS, embeddingBase64: toBase64(embedding) };
}

const api = { load, run, isolated: () => self.crossOriginIsolated };
(window as unknown as { mapstreamBench: typeof api }).mapstreamBench = api;
document.body.dataset.ready = '1';
