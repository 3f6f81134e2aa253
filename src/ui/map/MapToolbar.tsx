// The controls above the map: presentation only; Explorer wires them to the map store.
import { For, Show } from 'solid-js';
import type { MetaColumn } from '../../io/dataset';

/** Colour by label, cluster, batch, a metadata column or nothing, and HDBSCAN's min cluster size. */
export function ColourControls(props: {
  colorKey: string;
  hasLabels: boolean;
  /** The label column's name: it is the "label" entry, so it is not listed again among the columns. */
  labelName?: string | undefined;
  /** Points were added to the map, so it can be coloured by batch. */
  hasBatches: boolean;
  meta: MetaColumn[];
  onColor(key: string): void;
  mcsText: string;
  mcsPlaceholder: number;
  onMcs(text: string): void;
}) {
  return (
    <>
      <label>
        Colour by{' '}
        <select data-testid="color-by" value={props.colorKey} onChange={(e) => props.onColor(e.currentTarget.value)}>
          <option value="label" disabled={!props.hasLabels}>
            {props.hasLabels && props.labelName && props.labelName !== 'label' ? `label (${props.labelName})` : 'label'}
          </option>
          <option value="cluster">HDBSCAN cluster</option>
          <option value="batch" disabled={!props.hasBatches}>
            batch
          </option>
          {/* A text label column colours exactly as "label" does, so it is listed once; as numbers it is a scale. */}
          <For each={props.meta.filter((m) => !(m.name === props.labelName && !(m.values instanceof Float64Array)))}>
            {(m) => <option value={`meta:${m.name}`}>{m.name === props.labelName ? `${m.name} (as numbers)` : m.name}</option>}
          </For>
          <option value="none">nothing</option>
        </select>
      </label>
      <label title="HDBSCAN's min_cluster_size: smaller finds more, smaller clusters">
        Min cluster size{' '}
        <input
          data-testid="min-cluster-size"
          type="text"
          inputmode="numeric"
          size="5"
          placeholder={String(props.mcsPlaceholder)}
          value={props.mcsText}
          onChange={(e) => props.onMcs(e.currentTarget.value)}
        />
      </label>
    </>
  );
}

/** Point size and opacity (fixed, or by density). */
export function StyleControls(props: { pointSize: number; opacity: number; byDensity: boolean; onPointSize(v: number): void; onOpacity(v: number): void; onDensity(on: boolean): void }) {
  return (
    <>
      <label>
        Size <input data-testid="point-size" type="range" min="0.5" max="12" step="0.5" value={props.pointSize} onInput={(e) => props.onPointSize(Number(e.currentTarget.value))} />
      </label>
      <label>
        Opacity{' '}
        <input
          data-testid="opacity"
          type="range"
          min="0.05"
          max="1"
          step="0.05"
          value={props.opacity}
          disabled={props.byDensity}
          onInput={(e) => props.onOpacity(Number(e.currentTarget.value))}
        />
      </label>
      <label>
        <input data-testid="opacity-density" type="checkbox" checked={props.byDensity} onChange={(e) => props.onDensity(e.currentTarget.checked)} /> by density
      </label>
    </>
  );
}

/** Reset the camera; toggle lasso mode; cluster names on the map. */
export function ViewControls(props: { lasso: boolean; onReset(): void; onLasso(): void; clusterLabels?: boolean; onClusterLabels?(on: boolean): void }) {
  return (
    <>
      <Show when={props.onClusterLabels}>
        <label>
          <input data-testid="cluster-labels-toggle" type="checkbox" checked={!!props.clusterLabels} onChange={(e) => props.onClusterLabels?.(e.currentTarget.checked)} /> cluster labels
        </label>
      </Show>
      <button type="button" data-testid="reset-view" onClick={() => props.onReset()}>
        Reset view
      </button>
      <button type="button" data-testid="lasso-mode" aria-pressed={props.lasso} title="Or hold Shift and drag" onClick={() => props.onLasso()}>
        Lasso
      </button>
    </>
  );
}

/** Search the metadata; the matches are selected. */
export function SearchBox(props: { value: string; note: string | null; onInput(v: string): void; onSearch(): void }) {
  return (
    <form
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch();
      }}
    >
      <input data-testid="search" type="search" placeholder="Search metadata" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
      <button type="submit">Find</button>
      <Show when={props.note}>
        {(s) => (
          <span class="search-note" data-testid="search-note">
            {s()}
          </span>
        )}
      </Show>
    </form>
  );
}
