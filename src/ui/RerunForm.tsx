// "Re-run with…": the finished map's data again with min_dist, spread, seed or n_epochs changed. Same
// rows and graph parameters, so the job takes the stored kNN and fuzzy graphs and runs only init and
// layout; "Start from the current map" also skips the spectral init and lays out from the map shown,
// in a few epochs (a warm start), so the map keeps its arrangement.
import { createSignal } from 'solid-js';
import type { ParamsFormState } from './params-form-model';

type Changes = Pick<ParamsFormState, 'minDist' | 'spread' | 'seed' | 'nEpochs'>;

const FIELDS: { key: keyof Changes; name: string }[] = [
  { key: 'minDist', name: 'min_dist' },
  { key: 'spread', name: 'spread' },
  { key: 'seed', name: 'seed' },
  { key: 'nEpochs', name: 'n_epochs' },
];

/**
 * From this many points "Start from the current map" is on by default. Below, a full re-run takes a
 * few seconds and gives exactly the map a fresh run with those values gives, which is worth more
 * than the seconds a warm start saves; above, a re-run's layout takes tens of seconds or minutes.
 */
const WARM_BY_DEFAULT_FROM_N = 10_000;

export function RerunForm(props: { base: Changes; n: number; onSubmit(changes: Changes, fromCurrent: boolean): void }) {
  // A copy of the finished map's values, edited here without touching the main form.
  const [values, setValues] = createSignal<Changes>({ minDist: props.base.minDist, spread: props.base.spread, seed: props.base.seed, nEpochs: props.base.nEpochs });
  // Until the user sets it: on for a layout change of a large map, off for a new seed, whose map must
  // be the full run's with that seed (a warm start keeps the old seed's arrangement).
  const [chosen, setChosen] = createSignal<boolean | null>(null);
  const fromCurrent = () => chosen() ?? (props.n >= WARM_BY_DEFAULT_FROM_N && values().seed.trim() === props.base.seed.trim());
  return (
    <form
      class="rerun"
      data-testid="rerun-form"
      aria-label="Re-run with changed parameters"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(values(), fromCurrent());
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
        <label class="field check" title="Lay out from the map shown, in a few epochs: it keeps its arrangement and finishes in a fraction of the time">
          <input type="checkbox" name="rerun-from-current" data-testid="rerun-from-current" checked={fromCurrent()} onChange={(e) => setChosen(e.currentTarget.checked)} />
          <span>Start from the current map</span>
        </label>
      </fieldset>
      <button type="submit" data-testid="rerun" title="Same data and graph: reuses the stored kNN and fuzzy graphs">
        Re-run
      </button>
    </form>
  );
}
