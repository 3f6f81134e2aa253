import { For, Show } from 'solid-js';

/** The shown job's own log; `job` names it, since each job keeps its lines apart. */
export function JobLog(props: { lines: string[]; job?: string }) {
  return (
    <Show when={props.lines.length > 0}>
      <section class="job-log" aria-labelledby="job-log-title">
        <h2 id="job-log-title">Log</h2>
        <Show when={props.job}>
          {(name) => (
            <p class="progress-job" data-testid="log-job">
              {name()}
            </p>
          )}
        </Show>
        <ol data-testid="log">
          <For each={props.lines}>{(line) => <li>{line}</li>}</For>
        </ol>
      </section>
    </Show>
  );
}
