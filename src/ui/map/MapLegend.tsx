import { Index, Match, Switch } from 'solid-js';
import { formatCount } from '../format';
import type { LegendSpec } from './coloring';

type Numeric = Extract<LegendSpec, { kind: 'numeric' }>;

/**
 * Categorical: a swatch per value with its count. Numeric: a colour bar from min to max.
 * Rows are kept by position (<Index>) and read the current spec through their accessor: a row kept
 * by name, holding the spec it was made with, went on showing that spec's count while clusters
 * streamed (the legend summed to more points than the map had).
 */
export function MapLegend(props: { spec: LegendSpec }) {
  const categorical = () => (props.spec.kind === 'categorical' ? props.spec : null);
  const numeric = () => (props.spec.kind === 'numeric' ? props.spec : null);
  const rows = () => {
    const s = categorical();
    return s ? s.names.map((name, i) => ({ name, count: s.counts[i] ?? 0, color: s.colors[i] })) : [];
  };
  // Focusable, so a legend that scrolls (many classes, a small screen) scrolls from the keyboard too.
  return (
    <aside class="legend" data-testid="legend" tabindex="0" aria-label={`Legend: ${props.spec.title}`}>
      <h3>{props.spec.title}</h3>
      <Switch>
        <Match when={categorical()}>
          <ul>
            <Index each={rows()}>
              {(row) => (
                <li>
                  <span class="swatch" style={{ background: row().color }} />
                  <span class="legend-name">{row().name === '' ? '(empty)' : row().name}</span>
                  <span class="legend-count">{formatCount(row().count)}</span>
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
