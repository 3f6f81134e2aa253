// "Re-run with…": the finished map's data again with min_dist, spread, seed or n_epochs changed. Same
// rows and graph parameters, so the job takes the stored kNN and fuzzy graphs and runs only init and layout.
import { createSignal } from 'solid-js';
import type { ParamsFormState } from './params-form-model';

type Changes = Pick<ParamsFormState, 'minDist' | 'spread' | 'seed' | 'nEpochs'>;

const FIELDS: { key: keyof Changes; name: string }[] = [
  { key: 'minDist', name: 'min_dist' },
  { key: 'spread', name: 'spread' },
  { key: 'seed', name: 'seed' },
  { key: 'nEpochs', name: 'n_epochs' },
];

export function RerunForm(props: { base: Changes; onSubmit(changes: Changes): void }) {
  // A copy of the finished map's values, edited here without touching the main form.
  const [values, setValues] = createSignal<Changes>({ minDist: props.base.minDist, spread: props.base.spread, seed: props.base.seed, nEpochs: props.base.nEpochs });
  return (
    <form
      class="rerun"
      data-testid="rerun-form"
      aria-label="Re-run with changed parameters"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(values());
      }}
    >
      <fieldset class="params">
        <legend>Re-run with…</legend>
        {FIELDS.map((f) => (
          <label class="field">
            <span>{f.name}</span>
            <input
              type="text"
              inputmode="decimal"
              name={`rerun-${f.name}`}
              data-testid={`rerun-${f.name}`}
              value={values()[f.key]}
              onInput={(e) => {
                const v = e.currentTarget.value;
                setValues((old) => ({ ...old, [f.key]: v }));
              }}
            />
          </label>
        ))}
      </fieldset>
      <button type="submit" data-testid="rerun" title="Same data and graph: reuses the stored kNN and fuzzy graphs">
        Re-run
      </button>
    </form>
  );
}
