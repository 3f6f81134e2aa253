import { Show } from 'solid-js';
import { JobLog } from './JobLog';
import { ModelOffer } from './ModelOffer';
import { ParamsForm } from './ParamsForm';
import { ProgressPanel } from './ProgressPanel';
import { RerunForm } from './RerunForm';
import { useAppStore, useDataStore, useJobsStore, usePageActions } from './store';

/** The parameters, Run and Cancel, and the account of the job shown: progress, summary and log. */
export function RunPanel() {
  const app = useAppStore();
  const data = useDataStore();
  const jobs = useJobsStore();
  const report = jobs.report;
  const actions = usePageActions();
  const running = () => app.status() === 'running';
  return (
    <>
      <ParamsForm form={data.form} onChange={(key, value) => data.setParam(key, value)} disabled={running()} />
      <div class="actions">
        <button type="button" class="primary" data-testid="run" disabled={!data.input() || !!data.loading()} onClick={() => actions.run()}>
          {running() ? 'Run another' : 'Run'}
        </button>
        <button type="button" data-testid="cancel" disabled={!running()} onClick={() => actions.cancel()}>
          Cancel
        </button>
      </div>
      <ModelOffer />
      <Show when={jobs.rerunBase()} keyed>
        {(base) => <RerunForm base={base.form} n={base.ing.dataset.n} onSubmit={(changes, fromCurrent) => jobs.rerun(changes, fromCurrent)} />}
      </Show>
      <ProgressPanel phases={report.phases} running={running()} elapsedS={report.elapsed()} />
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
      <JobLog lines={report.log()} />
    </>
  );
}
