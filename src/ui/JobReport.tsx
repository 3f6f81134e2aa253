import { Show } from 'solid-js';
import { paramSummary } from './job-label';
import { JobLog } from './JobLog';
import { ProgressPanel } from './ProgressPanel';
import { useJobsStore } from './store';

/** The account of the job shown, in the Jobs section beside the list it is picked from: its bars, summary and log. */
export function JobReport() {
  const jobs = useJobsStore();
  const report = jobs.report;
  const shown = () => jobs.shownView();
  const name = () => {
    const s = shown();
    return s ? { job: `${s.name} · ${paramSummary(s.params)}` } : {};
  };
  return (
    <div class="job-report">
      <ProgressPanel phases={report.phases} running={shown()?.state === 'running'} paused={shown()?.state === 'paused'} elapsedS={report.elapsed()} {...name()} />
      <p class="summary" data-testid="summary">
        {report.summary()}
      </p>
      <Show when={report.reusedNote()}>
        {(note) => (
          <p class="summary" data-testid="reuse-note">
            {note()}
          </p>
        )}
      </Show>
      <Show when={report.warmNote()}>
        {(note) => (
          <p class="summary" data-testid="warm-note">
            {note()}
          </p>
        )}
      </Show>
      <JobLog lines={jobs.log()} {...name()} />
    </div>
  );
}
