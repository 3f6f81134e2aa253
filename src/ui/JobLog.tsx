import { For, Show } from 'solid-js';

export function JobLog(props: { lines: string[] }) {
  return (
    <Show when={props.lines.length > 0}>
      <section class="job-log">
        <h2>Log</h2>
        <ol data-testid="log">
          <For each={props.lines}>{(line) => <li>{line}</li>}</For>
        </ol>
      </section>
    </Show>
  );
}
