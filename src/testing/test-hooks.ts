// The test hooks, in their own chunk: main.tsx loads this module only when the page is opened for
// tests (localStorage 'mapstream.test' = '1', or test=1 in the URL), so the product never patches window.
import { installJobsTestHook } from '../jobs/jobs-test-hook';
import type { AppStores } from '../ui/store';
import type { MapstreamTestHook } from './mapstream-hook';

/** Install window.__mapstream and window.__mapstreamJobs over the stores, before they start work. */
export function installTestHooks({ app, map, jobs }: AppStores): void {
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
  };
  window.__mapstream = hook;
  installJobsTestHook(jobs.scheduler);
}
