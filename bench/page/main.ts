// Bench page: driven by scripts/bench.mjs through `window.mapstreamBench`. It holds one parsed copy of
// the data and runs one implementation at a time, each in its own dedicated Worker.
import { parseNpyChunks } from '../../src/io/npy-stream';
import { streamChunks } from '../../src/io/source';
import { workerMode, type JobRows } from '../../src/jobs/run-job';
import { wasmSimdSupported } from '../../src/engine/wasm/row-kernels';
import { runPeer } from './run-peer';
import { runOursWithRelayouts, type Relayout, type RelayoutDone } from './impl-ours';
import { runOurTransform, type FitForTransform } from './transform-ours';
import type { BenchParams, RunDone } from './protocol';

export type ImplName = 'mapstream' | 'umap-js' | 'embedding-atlas';

export interface LoadResult {
  n: number;
  d: number;
  fetchS: number;
  parseS: number;
  /** How the rows are held: float32 in one shared wasm32 memory (`f32-shared`) or in a plain array (`f32`). */
  rows: 'f32-shared' | 'f32';
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
let queries: JobRows | null = null;
/** mapstream's last fit, a persisted job whose model a transform job places points into. */
let lastFit: FitForTransform | null = null;
let lastThreads: number | undefined;

export interface TransformRunResult {
  n: number;
  /** The transform engine's phases summed (transform-ours.ts says what that clock covers). */
  transformS: number;
  /** The whole transform job, as the page waits for it. */
  jobS: number;
  phases: { knn: number; graph: number; init: number; layout: number };
  epochs: number | null;
  log: string[];
  /** Max |Δ| of any fitted coordinate: the fit job's own output against its stored map after the transform. */
  fittedMoved: number;
  /** The same, bit for bit. */
  fittedIdentical: boolean;
  embeddingBase64: string;
  fittedAfterBase64: string;
}

async function load(url: string, maxDim?: number): Promise<LoadResult> {
  const r = await readVectors(url, maxDim);
  matrix = r.rows;
  return r.loaded;
}

/** The new points for --transform, through the same fetch and reader as the fitted ones. */
async function loadTransform(url: string, maxDim?: number): Promise<LoadResult> {
  const r = await readVectors(url, maxDim);
  queries = r.rows;
  return r.loaded;
}

/**
 * The file's bytes as they arrive, read by the app's streaming .npy reader, so no copy of the whole file
 * is ever held (1M × 768 is 3 GB): fetchS is the wait for the response, parseS the body read and
 * parsed together. On an isolated page the vectors go straight into shared wasm memory, which runJob,
 * given that memory with the rows, hands to its Workers without another copy, as the app's ingest does.
 * Peers read the same array.
 */
async function readVectors(url: string, maxDim?: number): Promise<{ rows: JobRows; loaded: LoadResult }> {
  const t0 = performance.now();
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`fetch ${url}: HTTP ${res.status}`);
  const t1 = performance.now();
  const shared = workerMode() === 'shared' && wasmSimdSupported();
  const opts = { sharedMemory: shared, ...(maxDim !== undefined && { maxDim }) };
  const ds = await parseNpyChunks(url.slice(url.lastIndexOf('/') + 1), streamChunks(res.body), opts);
  const t2 = performance.now();
  const rows: JobRows = ds.memory ? { data: ds.data, n: ds.n, d: ds.d, memory: ds.memory } : { data: ds.data, n: ds.n, d: ds.d };
  return { rows, loaded: { n: ds.n, d: ds.d, fetchS: (t1 - t0) / 1000, parseS: (t2 - t1) / 1000, rows: ds.memory ? 'f32-shared' : 'f32' } };
}

function maxAbsDelta(a: Float32Array, b: Float32Array): { moved: number; identical: boolean } {
  if (a.length !== b.length) return { moved: Infinity, identical: false };
  let moved = 0;
  for (let i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(a[i]! - b[i]!));
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return { moved, identical: x.every((v, i) => v === y[i]) };
}

async function runTransform(): Promise<TransformRunResult> {
  if (!lastFit) throw new Error('run mapstream with keepModel first: the transform places points into its kept model');
  if (!queries) throw new Error('loadTransform() the new points first');
  const r = await runOurTransform(lastFit, queries, lastThreads);
  const { moved, identical } = maxAbsDelta(lastFit.embedding, r.fittedAfter);
  return {
    n: queries.n,
    transformS: r.transformS,
    jobS: r.jobS,
    phases: r.phases,
    epochs: r.epochs,
    log: r.log,
    fittedMoved: moved,
    fittedIdentical: identical,
    embeddingBase64: toBase64(r.embedding),
    fittedAfterBase64: toBase64(r.fittedAfter),
  };
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

/** `keepModel` (mapstream, for --transform): the fit is a persisted job that keeps its model, as in the app. */
async function run(impl: ImplName, params: BenchParams, backend: string, relayout: Relayout[] = [], keepModel = false): Promise<RunResult> {
  if (!matrix) throw new Error('load() the data first');
  const t0 = performance.now();
  if (impl === 'mapstream') {
    const { full, fullPageS: pageWallS, relayouts, fitJobId } = await runOursWithRelayouts(matrix, params, backend, relayout, keepModel);
    const { type: _type, embedding, backendUsed, backendReason, ...rest } = full;
    // A copy: the page's own embedding, against which the stored map is compared after a transform.
    lastFit = fitJobId ? { jobId: fitJobId, embedding: embedding.slice() } : null;
    lastThreads = params.threads;
    const again = relayouts.map(({ embedding: e, ...r }) => ({ ...r, embeddingBase64: toBase64(e) }));
    return { ...rest, impl, backend: backendUsed, backendReason, pageWallS, embeddingBase64: toBase64(embedding), ...(again.length ? { relayouts: again } : {}) };
  }
  const { type: _type, embedding, ...rest } = await runPeer(peerWorker(impl), matrix, params);
  const pageWallS = (performance.now() - t0) / 1000;
  // Both peers run on the CPU here (embedding-atlas with gpu: false).
  return { ...rest, impl, backend: 'cpu', backendReason: null, pageWallS, embeddingBase64: toBase64(embedding) };
}

const api = { load, loadTransform, run, runTransform, isolated: () => self.crossOriginIsolated };
(window as unknown as { mapstreamBench: typeof api }).mapstreamBench = api;
document.body.dataset.ready = '1';
