import type { ParamsFormState } from './params-form-model';

interface FieldProps {
  name: string;
  label: string;
  value: string;
  hint?: string;
  disabled?: boolean;
  onInput(v: string): void;
}

function TextField(props: FieldProps) {
  return (
    <label class="field" title={props.hint}>
      <span>{props.label}</span>
      <input
        type="text"
        inputmode="decimal"
        name={props.name}
        data-testid={`param-${props.name}`}
        value={props.value}
        disabled={props.disabled}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

export function ParamsForm(props: { form: ParamsFormState; onChange<K extends keyof ParamsFormState>(key: K, value: ParamsFormState[K]): void; disabled?: boolean }) {
  const f = () => props.form;
  return (
    <fieldset class="params" disabled={props.disabled}>
      <legend>Parameters</legend>
      <TextField
        name="n_neighbors"
        label="n_neighbors"
        hint="Size of the local neighbourhood: larger keeps more global structure."
        value={f().nNeighbors}
        onInput={(v) => props.onChange('nNeighbors', v)}
      />
      <TextField name="min_dist" label="min_dist" hint="How tightly points may pack together." value={f().minDist} onInput={(v) => props.onChange('minDist', v)} />
      <TextField name="spread" label="spread" hint="Scale of the embedded points." value={f().spread} onInput={(v) => props.onChange('spread', v)} />
      <TextField name="n_epochs" label="n_epochs" hint="'auto': 500 up to 10,000 points, 200 above." value={f().nEpochs} onInput={(v) => props.onChange('nEpochs', v)} />
      <label class="field">
        <span>metric</span>
        <select name="metric" data-testid="param-metric" value={f().metric} onChange={(e) => props.onChange('metric', e.currentTarget.value === 'cosine' ? 'cosine' : 'euclidean')}>
          <option value="euclidean">euclidean</option>
          <option value="cosine">cosine</option>
        </select>
      </label>
      <TextField name="seed" label="seed" hint="Same data, parameters and seed give the same map." value={f().seed} onInput={(v) => props.onChange('seed', v)} />
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
