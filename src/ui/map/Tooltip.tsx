import { For, Show } from 'solid-js';

export interface TooltipContent {
  title: string;
  /** A line under the title (an added point's batch). */
  note?: string;
  rows: [string, string][];
  /** A line under the cells (columns left out). */
  more?: string;
}

/**
 * The hovered point's metadata. Values are rendered as text nodes only (never innerHTML), so a cell
 * such as <img src=x onerror=…> shows as those characters and runs nothing.
 */
export function Tooltip(props: { content: TooltipContent | null; x: number; y: number }) {
  return (
    <Show when={props.content}>
      {(c) => (
        <div class="map-tooltip" data-testid="tooltip" role="tooltip" style={{ left: `${props.x + 14}px`, top: `${props.y + 14}px` }}>
          <strong>{c().title}</strong>
          <Show when={c().note}>{(note) => <p class="tooltip-note">{note()}</p>}</Show>
          <dl>
            <For each={c().rows}>
              {([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </>
              )}
            </For>
          </dl>
          <Show when={c().more}>{(more) => <p class="tooltip-more">{more()}</p>}</Show>
        </div>
      )}
    </Show>
  );
}
