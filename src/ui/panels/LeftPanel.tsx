// The left panel's sections: where data comes from and the run, the jobs (with the shown job's
// progress and log), the map library, and the settings with storage. Each is an accordion section, so a long one never hides the others' headings.
import { workerMode } from '../../jobs/run-job';
import { DataPanel } from '../DataPanel';
import { JobReport } from '../JobReport';
import { JobsPanel } from '../JobsPanel';
import { LibraryPanel } from '../LibraryPanel';
import { RunPanel } from '../RunPanel';
import { SettingsPanel } from '../SettingsPanel';
import { StoragePanel } from '../StoragePanel';
import { useJobsStore, useLibraryStore } from '../store';
import { PanelSection } from './PanelParts';
import type { PanelState } from './panel-state';

export function LeftPanel(props: { panels: PanelState }) {
  const jobs = useJobsStore();
  const library = useLibraryStore();
  const scheduler = jobs.scheduler;
  const section = (id: Parameters<PanelState['sectionOpen']>[0]) => ({ id, open: props.panels.sectionOpen(id), onToggle: () => props.panels.toggleSection(id) });
  return (
    <>
      <PanelSection title="Data" {...section('data')}>
        <DataPanel />
        <RunPanel />
      </PanelSection>
      <PanelSection title="Jobs" {...section('jobs')}>
        <JobsPanel scheduler={scheduler} shownId={jobs.shownJob()} onShow={(id) => void jobs.showJob(id)} onFollow={(id) => jobs.followJob(id)} />
        <JobReport />
      </PanelSection>
      <PanelSection title="Library" {...section('library')}>
        <LibraryPanel />
      </PanelSection>
      <PanelSection title="Settings & storage" {...section('settings')}>
        <SettingsPanel settings={scheduler.settings} onChange={(s) => scheduler.updateSettings(s)} />
        <StoragePanel scheduler={scheduler} library={{ count: library.entries().length, bytes: library.totalBytes() }} />
        <p class="mode" data-testid="worker-mode">
          {workerMode() === 'shared' ? 'Workers share one copy of the data (cross-origin isolated page).' : 'Workers get their own copy of the data (page is not cross-origin isolated).'}
        </p>
      </PanelSection>
    </>
  );
}
