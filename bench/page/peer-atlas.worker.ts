// embedding-atlas 0.26 (Rust → WASM) in a dedicated Worker, CPU only. Its package "exports" hide
// dist/umap.js and the package root drags in Svelte/Mosaic peers, so we import the file by path.
import { createUMAP } from '../../node_modules/embedding-atlas/dist/umap.js';
import type { BenchPhases, RunDone, RunRequest, WorkerReply } from './protocol';

const post = (msg: WorkerReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

/**
 * The first createUMAP call instantiates the WASM module. An app pays that once per Worker, not per
 * map, so it happens on a tiny input before the clock starts.
 */
async function warmUp(): Promise<void> {
  const n = 64;
  const tiny = new Float32Array(n * 4).map((_, i) => Math.sin(i));
  const u = await createUMAP(n, 4, 2, tiny, { nNeighbors: 5, nEpochs: 1, seed: 1, gpu: false });
  u.destroy();
}

type Stages = Map<string, number>;

/**
 * createUMAP does kNN, fuzzy graph and spectral init eagerly, and reports each as a progress stage
 * ("Finding nearest neighbors", "Constructing fuzzy graph", "Initializing embedding"). A phase runs
 * from its stage's first report to the next phase's first report.
 */
function phasesFrom(stages: Stages, t0: number, t1: number, t2: number): BenchPhases {
  const first = (re: RegExp): number | null => {
    let best: number | null = null;
    for (const [name, t] of stages) if (re.test(name) && (best === null || t < best)) best = t;
    return best;
  };
  const graphAt = first(/fuzzy/i);
  const initAt = first(/initiali[sz]/i);
  const s = (a: number, b: number): number => (b - a) / 1000;
  return {
    knn: graphAt === null ? null : s(t0, graphAt),
    graph: graphAt === null || initAt === null ? null : s(graphAt, initAt),
    init: initAt === null ? null : s(initAt, t1),
    optimise: s(t1, t2),
  };
}

async function run(req: RunRequest): Promise<RunDone> {
  const { data, n, d, params } = req;
  await warmUp();
  post({ type: 'ready' });
  const stages: Stages = new Map();
  const t0 = performance.now();
  const umap = await createUMAP(n, d, 2, data, {
    metric: params.metric,
    nNeighbors: params.nNeighbors,
    minDist: params.minDist,
    nEpochs: params.nEpochs,
    seed: params.seed,
    gpu: false,
    progress: (_p: number, stage: string) => {
      if (!stages.has(stage)) stages.set(stage, performance.now());
    },
  });
  const t1 = performance.now();
  await umap.run();
  const t2 = performance.now();
  const embedding = new Float32Array(umap.embedding);
  const epochs = umap.epoch;
  umap.destroy();
  return {
    type: 'done',
    embedding,
    wallS: (t2 - t0) / 1000,
    phases: phasesFrom(stages, t0, t1, t2),
    epochs,
    notes: [`stages: ${[...stages.keys()].join(' → ')}`, 'knn includes copying the vectors into WASM memory'],
  };
}

self.onmessage = async (ev: MessageEvent<RunRequest>) => {
  try {
    const done = await run(ev.data);
    post(done, [done.embedding.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};
