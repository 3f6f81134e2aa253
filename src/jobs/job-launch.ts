// Starting one job's Worker run: its options (threads, checkpoints, where the data comes from) and
// the callbacks that keep the job's entry current and pass events on to the job's watchers.
import { runJob, type JobCallbacks, type JobHandle, type JobProgress } from './run-job';
import type { CheckpointMeta } from './checkpoint-store';
import type { Entry } from './job-entry';

/** What a running job needs from the scheduler. */
export interface LaunchHost {
  notify(): void;
  saveRecord(e: Entry): Promise<void>;
  storageWarning(message: string): void;
}

/** Start the entry's run; throws when the Worker cannot be started. */
export function launchJob(e: Entry, host: LaunchHost, threads: number | undefined): JobHandle {
  const fromStore = !e.input;
  return runJob(e.input ?? { data: new Float32Array(0), n: e.rec.n, d: e.rec.d }, e.rec.params, entryCallbacks(e, host), {
    threads,
    checkpoint: e.checkpoint ?? undefined,
    persist: e.immediate || e.noCheckpoints
      ? undefined
      : { jobId: e.rec.id, storeDataset: !fromStore && !e.rec.datasetKey, resumeFromStore: !e.checkpoint && (fromStore || e.interrupted) },
    ...(fromStore && e.rec.datasetKey ? { storedDataset: e.rec.datasetKey } : {}),
  });
}

function entryCallbacks(e: Entry, host: LaunchHost): JobCallbacks {
  const each = (fn: (cb: JobCallbacks) => void) => {
    for (const w of e.watchers) fn(w);
  };
  return {
    onProgress: (p: JobProgress) => {
      e.events++;
      e.rec.progress = { phase: p.phase, done: p.done, total: p.total, unit: p.unit, ...(p.label ? { label: p.label } : {}) };
      e.etaS = p.etaS;
      e.rec.elapsedS = e.baseElapsedS + p.elapsedS;
      each((w) => w.onProgress?.(p));
      host.notify();
    },
    onLog: (line) => each((w) => w.onLog?.(line)),
    onPreview: (coords, k) => each((w) => w.onPreview?.(coords, k)),
    onDatasetStored: (key) => {
      e.rec.datasetKey = key;
      void host.saveRecord(e);
    },
    onCheckpoint: (meta: CheckpointMeta) => {
      e.checkpoints++;
      e.lastCheckpoint = meta.progress;
      // The record's progress on disk need not follow every chunk: once a second is plenty.
      if (Date.now() - e.lastRecordWrite > 1000) void host.saveRecord(e);
      host.notify();
    },
    onResumed: (from) => {
      e.resumedFrom = from?.progress ?? null;
      if (from) each((w) => w.onLog?.(`Resumed from a checkpoint (${from.progress ? `${from.progress.phase} ${from.progress.done}/${from.progress.total}` : 'start'}).`));
      host.notify();
    },
    onStorageWarning: (message) => {
      e.storageWarning = message;
      host.storageWarning(message);
    },
  };
}
