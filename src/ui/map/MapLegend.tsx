import { For, Match, Switch } from 'solid-js';
import { formatCount } from '../format';
import type { LegendSpec } from './coloring';

/** Categorical: a swatch per value with its count. Numeric: a colour bar from min to max. */
export function MapLegend(props: { spec: LegendSpec }) {
  return (
    <aside class="legend" data-testid="legend">
      <h3>{props.spec.title}</h3>
      <Switch>
        <Match when={props.spec.kind === 'categorical' && props.spec}>
          {(spec) => (
            <ul>
              <For each={(spec() as Extract<LegendSpec, { kind: 'categorical' }>).names}>
                {(name, i) => {
                  const s = spec() as Extract<LegendSpec, { kind: 'categorical' }>;
                  return (
                    <li>
                      <span class="swatch" style={{ background: s.colors[i()] }} />
                      <span class="legend-name">{name === '' ? '(empty)' : name}</span>
                      <span class="legend-count">{formatCount(s.counts[i()] ?? 0)}</span>
                    </li>
                  );
                }}
              </For>
            </ul>
          )}
        </Match>
        <Match when={props.spec.kind === 'numeric' && props.spec}>
          {(spec) => {
            const s = spec() as Extract<LegendSpec, { kind: 'numeric' }>;
            return (
              <div class="scale" data-testid="color-scale">
                <div class="scale-bar" style={{ background: `linear-gradient(to right, ${s.colors.join(', ')})` }} />
                <div class="scale-ends">
                  <span>{formatValue(s.min)}</span>
                  <span>{formatValue(s.max)}</span>
                </div>
              </div>
            );
          }}
        </Match>
      </Switch>
    </aside>
  );
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '–';
}
