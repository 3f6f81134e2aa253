// umap-js 1.4 in a dedicated Worker. Its input is number[][]: the conversion happens before the clock
// starts, since it is an artefact of the API and not work the algorithm does.
import { UMAP } from 'umap-js';
import { mulberry32 } from './prng';
import type { RunDone, RunRequest, WorkerReply } from './protocol';

const post = (msg: WorkerReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

// umap-js's package root exports only UMAP; its default distance is euclidean.
function cosine(x: number[], y: number[]): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  return nx === 0 || ny === 0 ? 0 : 1 - dot / Math.sqrt(nx * ny);
}

type Hooked = Record<'nearestNeighbors' | 'fuzzySimplicialSet', (...args: unknown[]) => unknown>;

/** Wrap a private method of this instance so its duration accumulates into `into[key]`. */
function timeMethod(umap: UMAP, name: keyof Hooked, record: (s: number) => void): void {
  const target = umap as unknown as Hooked;
  const original = target[name].bind(umap);
  target[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return original(...args);
    } finally {
      record((performance.now() - t0) / 1000);
    }
  };
}

function run(req: RunRequest): RunDone {
  const { data, n, d, params } = req;
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * d, i * d + d));
  post({ type: 'ready' });

  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: params.nNeighbors,
    minDist: params.minDist,
    nEpochs: params.nEpochs,
    random: mulberry32(params.seed),
    ...(params.metric === 'cosine' ? { distanceFn: cosine } : {}),
  });
  let knn = 0;
  let graph = 0;
  timeMethod(umap, 'nearestNeighbors', (s) => (knn += s));
  timeMethod(umap, 'fuzzySimplicialSet', (s) => (graph += s));

  const t0 = performance.now();
  const epochs = umap.initializeFit(rows);
  const t1 = performance.now();
  for (let e = 0; e < epochs; e++) umap.step();
  const t2 = performance.now();

  const emb = umap.getEmbedding();
  const embedding = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const row = emb[i]!;
    embedding[2 * i] = row[0]!;
    embedding[2 * i + 1] = row[1]!;
  }
  const setup = (t1 - t0) / 1000;
  return {
    type: 'done',
    embedding,
    wallS: (t2 - t0) / 1000,
    // umap-js has random init; "init" is the rest of initializeFit: its transform search graph and epoch schedule.
    phases: { knn, graph, init: Math.max(0, setup - knn - graph), optimise: (t2 - t1) / 1000 },
    epochs,
    notes: ['init: random (umap-js has no spectral init)'],
  };
}

self.onmessage = (ev: MessageEvent<RunRequest>) => {
  try {
    const done = run(ev.data);
    post(done, [done.embedding.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};
