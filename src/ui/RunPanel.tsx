import { createEffect, createMemo, on, Show } from 'solid-js';
import { JobLog } from './JobLog';
import { paramSummary } from './job-label';
import { ModelOffer } from './ModelOffer';
import { ParamsForm } from './ParamsForm';
import { fieldProblems, TEXT_FIELDS } from './params-form-model';
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
  const shown = () => jobs.shownView();
  const problems = createMemo(() => fieldProblems(data.form, data.input()?.dataset.n ?? null));
  let fieldset: HTMLFieldSetElement | undefined;

  /** Open the form wherever it is placed (a collapsed panel or sheet) and put the focus in it. */
  const focusField = (name?: string) => {
    const el = fieldset?.querySelector<HTMLInputElement>(name ? `input[name="${name}"]` : 'input');
    if (!el) return;
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
    el.scrollIntoView({ block: 'nearest' });
    el.focus();
  };
  createEffect(on(jobs.paramsAsked, () => focusField(), { defer: true }));

  const run = () => {
    // A bad value is told beside its field; Run refuses with the same words in the banner.
    const bad = TEXT_FIELDS.find((f) => problems()[f.key]);
    if (bad) focusField(bad.label);
    actions.run();
  };

  return (
    <>
      <ParamsForm form={data.form} problems={problems()} onChange={(key, value) => data.setParam(key, value)} ref={(el) => (fieldset = el)} />
      <div class="actions">
        <button type="button" class="primary" data-testid="run" disabled={!data.input() || !!data.loading()} onClick={run}>
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
      <ProgressPanel
        phases={report.phases}
        running={shown()?.state === 'running'}
        paused={shown()?.state === 'paused'}
        elapsedS={report.elapsed()}
        {...(shown() ? { job: `${shown()!.name} · ${paramSummary(shown()!.params)}` } : {})}
      />
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
      <JobLog lines={jobs.log()} {...(shown() ? { job: `${shown()!.name} · ${paramSummary(shown()!.params)}` } : {})} />
    </>
  );
}
