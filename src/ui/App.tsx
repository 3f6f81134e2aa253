import { onMount } from 'solid-js';
import { workerMode } from '../jobs/run-job';
import { DataPanel } from './DataPanel';
import { ErrorBanner } from './ErrorBanner';
import { JobsPanel } from './JobsPanel';
import { LibraryPanel } from './LibraryPanel';
import { Explorer } from './map/Explorer';
import { RunPanel } from './RunPanel';
import { SettingsPanel } from './SettingsPanel';
import { StoragePanel } from './StoragePanel';
import { useAppStore, useJobsStore, useLibraryStore, usePageActions } from './store';

/** The page: data and run controls with the jobs in the sidebar, the map explorer beside them. */
export function App() {
  const app = useAppStore();
  const jobs = useJobsStore();
  const actions = usePageActions();
  const library = useLibraryStore();
  const scheduler = jobs.scheduler;
  // A share link in the URL runs once the page is up.
  onMount(() => void actions.startFromLink());

  return (
    <div class="app">
      <header class="app-header">
        <h1>mapstream</h1>
        <p class="tagline">UMAP maps of your embeddings, computed in your browser. Nothing is uploaded.</p>
      </header>
      <ErrorBanner message={app.error()} onDismiss={() => app.clearError()} />
      <div class="layout">
        <aside class="sidebar">
          <DataPanel />
          <RunPanel />
          <JobsPanel scheduler={scheduler} shownId={jobs.shownJob()} onShow={(id) => void jobs.showJob(id)} onFollow={(id) => jobs.followJob(id)} />
          <LibraryPanel />
          <SettingsPanel settings={scheduler.settings} onChange={(s) => scheduler.updateSettings(s)} />
          <StoragePanel scheduler={scheduler} library={{ count: library.entries().length, bytes: library.totalBytes() }} />
          <p class="mode" data-testid="worker-mode">
            {workerMode() === 'shared' ? 'Workers share one copy of the data (cross-origin isolated page).' : 'Workers get their own copy of the data (page is not cross-origin isolated).'}
          </p>
        </aside>
        <main class="main">
          <Explorer />
        </main>
      </div>
    </div>
  );
}
