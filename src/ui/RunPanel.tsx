import { JobLog } from './JobLog';
import { ParamsForm } from './ParamsForm';
import { ProgressPanel } from './ProgressPanel';
import { useAppStore, useDataStore, useJobsStore, usePageActions } from './store';

/** The parameters, Run and Cancel, and the account of the job shown: progress, summary and log. */
export function RunPanel() {
  const app = useAppStore();
  const data = useDataStore();
  const report = useJobsStore().report;
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
      <ProgressPanel phases={report.phases} running={running()} elapsedS={report.elapsed()} />
      <p class="summary" data-testid="summary">
        {report.summary()}
      </p>
      <JobLog lines={report.log()} />
    </>
  );
}
