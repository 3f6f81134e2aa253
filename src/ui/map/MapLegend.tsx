import { Index, Match, Show, Switch } from 'solid-js';
import { formatCount } from '../format';
import type { LegendSpec } from './coloring';
import './map-explore.css';

type Numeric = Extract<LegendSpec, { kind: 'numeric' }>;

export interface LegendFilter {
  /** The colour codes shown in full; null: no filter, all shown. */
  on: ReadonlySet<number> | null;
  /** add: Shift/Ctrl/Cmd was held (add or remove one category instead of showing only it). */
  toggle(code: number, add: boolean): void;
  reset(): void;
}

/**
 * Categorical: a swatch per value with its count, each a toggle button that filters the map to it.
 * Numeric: a colour bar from min to max.
 * Rows are kept by position (<Index>) and read the current spec through their accessor: a row kept
 * by name, holding the spec it was made with, went on showing that spec's count while clusters
 * streamed (the legend summed to more points than the map had).
 */
export function MapLegend(props: { spec: LegendSpec; filter?: LegendFilter }) {
  const categorical = () => (props.spec.kind === 'categorical' ? props.spec : null);
  const numeric = () => (props.spec.kind === 'numeric' ? props.spec : null);
  const rows = () => {
    const s = categorical();
    return s ? s.names.map((name, i) => ({ name, count: s.counts[i] ?? 0, color: s.colors[i], code: s.codes[i] ?? i })) : [];
  };
  const filterOn = () => props.filter?.on ?? null;
  const shownCount = () => {
    const on = filterOn();
    return on ? rows().filter((r) => on.has(r.code)).length : rows().length;
  };
  // Focusable, so a legend that scrolls (many classes, a small screen) scrolls from the keyboard too.
  return (
    <aside class="legend" data-testid="legend" tabindex="0" aria-label={`Legend: ${props.spec.title}`}>
      <h3>{props.spec.title}</h3>
      <Switch>
        <Match when={categorical()}>
          <Show when={props.filter}>
            <p class="legend-filter" data-testid="legend-filter">
              <Show when={filterOn()} fallback={<span class="hint">Click to show one; Shift+click to add.</span>}>
                <span>
                  Showing {shownCount()} of {rows().length}
                </span>
                <button type="button" class="legend-reset" data-testid="legend-reset" onClick={() => props.filter?.reset()}>
                  Show all
                </button>
              </Show>
            </p>
          </Show>
          <ul>
            <Index each={rows()}>
              {(row) => (
                <li classList={{ 'legend-off': !!filterOn() && !filterOn()!.has(row().code) }}>
                  <button
                    type="button"
                    class="legend-entry"
                    aria-pressed={!!filterOn()?.has(row().code)}
                    disabled={!props.filter}
                    onClick={(e) => props.filter?.toggle(row().code, e.shiftKey || e.ctrlKey || e.metaKey)}
                  >
                    <span class="swatch" style={{ background: row().color }} />
                    <span class="legend-name">{row().name === '' ? '(empty)' : row().name}</span>
                    <span class="legend-count">{formatCount(row().count)}</span>
                  </button>
                </li>
              )}
            </Index>
          </ul>
        </Match>
        <Match when={numeric()}>{(spec) => <NumericScale spec={spec()} />}</Match>
      </Switch>
    </aside>
  );
}

function NumericScale(props: { spec: Numeric }) {
  return (
    <div class="scale" data-testid="color-scale">
      <div class="scale-bar" style={{ background: `linear-gradient(to right, ${props.spec.colors.join(', ')})` }} />
      <div class="scale-ends">
        <span>{formatValue(props.spec.min)}</span>
        <span>{formatValue(props.spec.max)}</span>
      </div>
    </div>
  );
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '–';
}
