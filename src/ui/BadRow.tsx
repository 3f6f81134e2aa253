import { For, Show } from 'solid-js';
import type { BadRecord } from '../io';
import { formatCount } from './format';

/** Cells shown around the bad one: enough to recognise the row, few enough for a narrow panel. */
const WINDOW = 7;

function cell(s: string | undefined): string {
  const t = s ?? '';
  return t.length > 24 ? `${t.slice(0, 21)}…` : t;
}

/** Which of the row's cells to show: a window around the bad one, or the first ones of a ragged row. */
function windowOf(rec: BadRecord): { from: number; to: number } {
  const width = Math.max(rec.cells.length, rec.columns.length);
  if (rec.column === undefined) return { from: 0, to: Math.min(width, WINDOW) };
  const from = Math.max(0, Math.min(rec.column - Math.floor(WINDOW / 2), width - WINDOW));
  return { from, to: Math.min(width, from + WINDOW) };
}

/**
 * The row a read stopped at, as the file has it, with the bad cell marked: the preview's first rows
 * rarely include it, and "row 4,812, column 'e17'" is easier to fix when you see the line.
 */
export function BadRow(props: { record: BadRecord }) {
  const r = () => props.record;
  const shown = () => {
    const { from, to } = windowOf(r());
    return Array.from({ length: to - from }, (_, k) => from + k);
  };
  const width = () => Math.max(r().cells.length, r().columns.length);
  return (
    <figure class="bad-record" data-testid="bad-row">
      <figcaption>
        Row {formatCount(r().row)} (line {formatCount(r().line)})
        <Show when={r().column !== undefined} fallback={`: ${formatCount(r().cells.length)} fields where the columns are ${formatCount(r().columns.length)}`}>
          , column '{r().columns[r().column!]}'
        </Show>
      </figcaption>
      <section class="preview-table-wrap" tabindex="0" aria-label={`Row ${r().row} of the file, where the read stopped`}>
        <table class="preview-table">
          <thead>
            <tr>
              <Show when={shown()[0]! > 0}>
                <th>…</th>
              </Show>
              <For each={shown()}>{(j) => <th classList={{ bad: j === r().column }}>{cell(r().columns[j] ?? `(extra ${j + 1})`)}</th>}</For>
              <Show when={shown()[shown().length - 1]! < width() - 1}>
                <th>…</th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <tr class="bad">
              <Show when={shown()[0]! > 0}>
                <td>…</td>
              </Show>
              <For each={shown()}>
                {(j) => (
                  <td classList={{ bad: j === r().column, missing: j >= r().cells.length }} data-testid={j === r().column ? 'bad-cell' : undefined}>
                    {j >= r().cells.length ? '(missing)' : cell(r().cells[j]) || '(empty)'}
                  </td>
                )}
              </For>
              <Show when={shown()[shown().length - 1]! < width() - 1}>
                <td>…</td>
              </Show>
            </tr>
          </tbody>
        </table>
      </section>
    </figure>
  );
}
