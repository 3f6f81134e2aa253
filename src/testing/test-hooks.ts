// The test hooks, in their own chunk: main.tsx loads this module only when the page is opened for
// tests (localStorage 'mapstream.test' = '1', or test=1 in the URL), so the product never patches window.
import { installJobsTestHook } from '../jobs/jobs-test-hook';
import { librarySavesPending } from '../jobs/map-library';
import type { AppStores } from '../ui/store';
import type { MapstreamTestHook } from './mapstream-hook';

/** Install window.__mapstream and window.__mapstreamJobs over the stores, before they start work. */
export function installTestHooks({ app, map, jobs, library }: AppStores): void {
  const hook: MapstreamTestHook = {
    get status() {
      return app.status();
    },
    get points() {
      return map.n();
    },
    coords: () => map.coords(),
    get lastError() {
      return app.error();
    },
    clusters: () => map.clustering.clusters()?.labels ?? null,
    get clusterCount() {
      return map.clustering.clusters()?.count ?? 0;
    },
    get clustersFinal() {
      return map.clustering.clusters()?.final ?? false;
    },
    selection: () => map.selection.selection().slice(),
    screenPosition: (i) => map.control()?.screenPosition(i) ?? null,
    get shareLink() {
      return map.shareLink.link();
    },
    addBatch: (p, name, labels) => {
      try {
        const placed = { ...p, parent: 'test', embedding: Float32Array.from(p.embedding), indices: Int32Array.from(p.indices), distances: Float32Array.from(p.distances) };
        const labelName = map.input()?.dataset.labelName ?? 'label';
        const b = map.addBatch(placed, name, labels ? [{ name: labelName, values: labels }] : []);
        return { clusters: Array.from(b.clusters), advice: b.advice };
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
    },
    batches: () => {
      const b = map.batchInfo();
      return b ? Array.from(b.of) : null;
    },
    pointColor: (i) => map.control()?.pointColor(i) ?? null,
    view: () => map.control()?.view() ?? null,
    inspected: () => {
      const s = map.inspector.neighbours();
      return { row: map.inspector.row(), neighbours: s.status === 'done' ? s.indices.slice() : null, source: s.status === 'done' ? s.source : null };
    },
    get librarySavesPending() {
      return librarySavesPending();
    },
    get libraryKeptJobs() {
      return library.keptJobs();
    },
    origin: () => ({ jobId: map.origin().jobId ?? null, libraryId: map.libraryEntry() }),
  };
  window.__mapstream = hook;
  installJobsTestHook(jobs.scheduler);
}
