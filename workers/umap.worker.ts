/// <reference lib="webworker" />
// The job Worker (protocol: src/jobs/job-protocol.ts): one UMAP run at a time (src/jobs/job-run.ts)
// (a fit, or a transform into a fitted map) over a pool of compute Workers, with the GPU where there
// is one and checkpoints in IndexedDB.
import * as Comlink from 'comlink';
import { chooseBackend, startGpuSession, withGpuLock } from '../src/gpu/backend';
import { startGpuTransform } from '../src/gpu/gpu-transform-session';
import { WorkerPool } from '../src/jobs/compute-pool';
import { indexedDbModelStorage, indexedDbStorage } from '../src/jobs/job-persistence';
import type { JobWorkerApi } from '../src/jobs/job-protocol';
import { JobRun } from '../src/jobs/job-run';
import { armStorageFault } from '../src/jobs/storage-faults';
import { setPartSizes } from '../src/jobs/value-parts';

const run = new JobRun({
  createPool: (size, store, metric) => WorkerPool.create(size, store, metric),
  createTransformPool: (size, store, model, keys) => WorkerPool.forTransform(size, store, model, keys),
  chooseBackend: (pref) => chooseBackend(pref),
  startGpuSession,
  startGpuTransform,
  withGpuLock,
  storage: indexedDbStorage,
  models: indexedDbModelStorage,
  transfer: Comlink.transfer,
});

const api: JobWorkerApi = {
  start: (msg, cb) => {
    // Tests only: this Worker's IndexedDB writes (the store is this realm's) fail as the plan says.
    armStorageFault(msg.options.faults?.storageFault);
    setPartSizes(msg.options.faults?.valueParts);
    return run.start(msg, cb);
  },
  stop: () => run.stop(),
  inject(fault) {
    switch (fault.kind) {
      case 'release':
        return run.release();
      case 'crash':
        // An uncaught error, as a real crash in the Worker would raise.
        setTimeout(() => {
          throw new Error('simulated crash (test hook)');
        }, 0);
    }
  },
};

Comlink.expose(api);
