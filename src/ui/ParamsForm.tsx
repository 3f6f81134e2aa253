import { Show } from 'solid-js';
import type { ParamsFormState, TextField as TextFieldKey } from './params-form-model';

interface FieldProps {
  name: string;
  label: string;
  value: string;
  hint?: string;
  /** What is wrong with the value, told under the field (null: nothing). */
  problem?: string | undefined;
  onInput(v: string): void;
}

function TextField(props: FieldProps) {
  const id = () => `params-${props.name}`;
  const errorId = () => `params-${props.name}-error`;
  return (
    <div class="field" classList={{ invalid: !!props.problem }} title={props.hint}>
      <label for={id()}>{props.label}</label>
      <input
        type="text"
        inputmode="decimal"
        id={id()}
        name={props.name}
        data-testid={`param-${props.name}`}
        value={props.value}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={props.problem ? errorId() : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <Show when={props.problem}>
        {(message) => (
          <span class="field-error" id={errorId()} data-testid={`param-${props.name}-error`}>
            {message()}
          </span>
        )}
      </Show>
    </div>
  );
}

/**
 * The run's parameters. They stay editable while a job runs: Run then queues another job with the
 * values shown. `problems` (params-form-model's fieldProblems) are told beside their fields.
 */
export function ParamsForm(props: {
  form: ParamsFormState;
  problems: Partial<Record<TextFieldKey, string>>;
  onChange<K extends keyof ParamsFormState>(key: K, value: ParamsFormState[K]): void;
  ref?: (el: HTMLFieldSetElement) => void;
}) {
  const f = () => props.form;
  return (
    <fieldset class="params" ref={(el) => props.ref?.(el)}>
      <legend>Parameters</legend>
      <TextField
        name="n_neighbors"
        label="n_neighbors"
        hint="Size of the local neighbourhood: larger keeps more global structure."
        value={f().nNeighbors}
        problem={props.problems.nNeighbors}
        onInput={(v) => props.onChange('nNeighbors', v)}
      />
      <TextField
        name="min_dist"
        label="min_dist"
        hint="How tightly points may pack together."
        value={f().minDist}
        problem={props.problems.minDist}
        onInput={(v) => props.onChange('minDist', v)}
      />
      <TextField name="spread" label="spread" hint="Scale of the embedded points." value={f().spread} problem={props.problems.spread} onInput={(v) => props.onChange('spread', v)} />
      <TextField
        name="n_epochs"
        label="n_epochs"
        hint="'auto': 500 up to 10,000 points, 200 above."
        value={f().nEpochs}
        problem={props.problems.nEpochs}
        onInput={(v) => props.onChange('nEpochs', v)}
      />
      <label class="field">
        <span>metric</span>
        <select name="metric" data-testid="param-metric" value={f().metric} onChange={(e) => props.onChange('metric', e.currentTarget.value === 'cosine' ? 'cosine' : 'euclidean')}>
          <option value="euclidean">euclidean</option>
          <option value="cosine">cosine</option>
        </select>
      </label>
      <TextField
        name="seed"
        label="seed"
        hint="Same data, parameters and seed give the same map."
        value={f().seed}
        problem={props.problems.seed}
        onInput={(v) => props.onChange('seed', v)}
      />
      <label class="field">
        <span>n_components</span>
        <select name="n_components" data-testid="param-n_components" value={f().nComponents} onChange={(e) => props.onChange('nComponents', e.currentTarget.value === '3' ? '3' : '2')}>
          <option value="2">2</option>
          <option value="3">3 (map shows the first two)</option>
        </select>
      </label>
    </fieldset>
  );
}
