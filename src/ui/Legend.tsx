import { For, Show } from 'solid-js';
import type { Categories } from '../io/categories';
import { formatCount } from './format';

export function Legend(props: { title: string | undefined; categories: Categories; colors: string[] }) {
  return (
    <aside class="legend" data-testid="legend">
      <Show when={props.title}>
        <h3>{props.title}</h3>
      </Show>
      <ul>
        <For each={props.categories.names}>
          {(name, i) => (
            <li>
              <span class="swatch" style={{ background: props.colors[i()] }} />
              <span class="legend-name">{name === '' ? '(empty)' : name}</span>
              <span class="legend-count">{formatCount(props.categories.counts[i()] ?? 0)}</span>
            </li>
          )}
        </For>
      </ul>
    </aside>
  );
}
