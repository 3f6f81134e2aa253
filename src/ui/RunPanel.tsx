import { createEffect, createMemo, on, Show } from 'solid-js';
import { ModelOffer } from './ModelOffer';
import { ParamsForm } from './ParamsForm';
import { PreflightPanel } from './PreflightPanel';
import { fieldProblems, TEXT_FIELDS } from './params-form-model';
import { RerunForm } from './RerunForm';
import { useAppStore, useDataStore, useJobsStore, usePageActions } from './store';

/** The parameters, the preflight's estimate, Run and Cancel, the model offer and the re-run form (the job's progress and log are JobReport's, in the Jobs section). */
export function RunPanel() {
  const app = useAppStore();
  const data = useDataStore();
  const jobs = useJobsStore();
  const actions = usePageActions();
  const running = () => app.status() === 'running';
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
      <PreflightPanel />
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
    </>
  );
}
