// Result caching through the job Worker's run (job-run.ts + graph-reuse.ts) in Node, over the real graph
// store on fake-indexeddb: a second fit on the same rows starts past the phases it finds stored, says
// so, and draws the same map as a full run with the same parameters.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ComputeCore, LocalPool } from '../src/engine/compute-core';
import { UmapEngine } from '../src/engine/engine';
import { resolveParams } from '../src/engine/params';
import { gaussianMixture } from '../src/engine/synthetic';
import type { ProgressEvent, UmapParams } from '../src/engine/types';
import { indexedDbGraphs } from '../src/jobs/graph-reuse';
import { getKnnGraph, type GraphReuse } from '../src/jobs/graph-store';
import type { JobStorage } from '../src/jobs/job-persistence';
import { JobRun } from '../src/jobs/job-run';
import { newRecord } from '../src/jobs/job-state-record';
import { datasetKeyOf } from '../src/jobs/checksum';
import { putJob } from '../src/jobs/job-store';
import { DEFAULT_SETTINGS } from '../src/jobs/settings';

const n = 1200;
const d = 16;
const { data } = gaussianMixture({ n, d, seed: 9 });

const storage: JobStorage = {
  open: async () => {},
  putDataset: async () => {},
  readDataset: () => Promise.reject(new Error('not stored')),
  loadCheckpoint: async () => null,
  checkpointWriter: () => {
    throw new Error('no checkpoints here');
  },
  graphs: indexedDbGraphs,
};

const run = new JobRun({
  createPool: async (_size, store, metric) => Object.assign(new LocalPool(new ComputeCore(store, store.n, store.d, metric)), { terminate() {} }),
  chooseBackend: async () => ({ report: { backend: 'cpu', reason: 'cpu: chosen in the settings' }, adapter: null }),
  startGpuSession: () => Promise.reject(new Error('no GPU here')),
  withGpuLock: (fn) => fn(),
  storage,
});

let seq = 0;
async function fitJob(params: Partial<UmapParams>, name: string) {
  const rec = newRecord({ data, n, d }, params, { name }, { id: `r${++seq}`, order: seq, owner: 'tab', settings: DEFAULT_SETTINGS });
  await putJob(rec);
  const phases = new Set<string>();
  const reused: GraphReuse[] = [];
  const outcome = await run.start(
    { source: { data: data.slice(), n, d }, params, options: { threads: 0, graphs: { jobId: rec.id } } },
    { onProgress: (e: ProgressEvent) => void phases.add(e.phase), onReused: (r) => void reused.push(r) },
  );
  if (outcome.status !== 'done') throw new Error('stopped');
  return { id: rec.id, result: outcome.result, phases, reused };
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('graph reuse in a job run', () => {
  for (const [mode, extra] of [
    ['exact kNN', {}],
    ['approximate kNN', { exactKnnMaxN: 500 }],
  ] as const) {
    it(`reuses the fuzzy graph, or the kNN graph, and gives the full run's map (${mode})`, async () => {
      const p = { nEpochs: 60, seed: 3, backend: 'cpu' as const, knnChunkSize: 300, ...extra };
      // Another dataset each time (a different n_neighbors), so the first fit of each mode is a full one.
      const nNeighbors = 'exactKnnMaxN' in extra ? 12 : 10;
      const full = await fitJob({ ...p, nNeighbors }, `full ${mode}`);
      expect(full.reused).toEqual([]);
      expect(full.phases.has('knn')).toBe(true);
      const stored = await getKnnGraph(datasetKeyOf(data, n, d), 'euclidean', nNeighbors);
      expect(stored).toMatchObject({ fromJob: full.id, n, k: nNeighbors });

      const again = await fitJob({ ...p, nNeighbors }, 'again');
      expect(again.reused).toEqual([expect.objectContaining({ what: 'fuzzy', fromJob: full.id, fromName: `full ${mode}`, seed: 3 })]);
      expect(again.phases.has('knn') || again.phases.has('graph')).toBe(false);
      expect(again.result.log.join('\n')).toContain(`Reused the kNN and fuzzy graphs of full ${mode} (seed 3): kNN and graph phases skipped.`);
      expect(same(again.result.embedding, full.result.embedding)).toBe(true);

      // Another local connectivity: the fuzzy graph differs, the kNN graph is still good.
      const lc = await fitJob({ ...p, nNeighbors, localConnectivity: 2 }, 'lc');
      expect(lc.reused).toEqual([expect.objectContaining({ what: 'knn', fromJob: full.id })]);
      expect(lc.phases.has('knn')).toBe(false);
      expect(lc.phases.has('graph')).toBe(true);
      expect(lc.result.log.join('\n')).toContain(`kNN graph reused from full ${mode} (seed 3): kNN phase skipped.`);
      const lcFull = new UmapEngine({ data, n, d }, resolveParams({ ...p, nNeighbors, localConnectivity: 2 }, n));
      await lcFull.run();
      expect(same(lcFull.result().embedding, lc.result.embedding)).toBe(true);
    });
  }

  it('a re-run with another min_dist takes the graph and changes only the layout', async () => {
    const p = { nEpochs: 40, seed: 1, backend: 'cpu' as const, nNeighbors: 8 };
    const full = await fitJob(p, 'base');
    const moved = await fitJob({ ...p, minDist: 0.5 }, 'min_dist 0.5');
    expect(moved.reused[0]?.what).toBe('fuzzy');
    expect(same(moved.result.embedding, full.result.embedding)).toBe(false);
    expect(moved.result.timings.knn).toBe(0);
    expect(moved.result.timings.graph).toBe(0);
  });
});
