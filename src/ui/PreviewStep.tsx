import { createSignal, For, Show } from 'solid-js';
import { DEFAULT_MAX_DIM, IngestError, type PreviewInfo } from '../io';
import type { Ingested } from '../jobs/ingest-client';
import { dimensionMismatch } from '../jobs/transform-messages';
import { BadRow } from './BadRow';
import { formatBytes, formatCount } from './format';
import type { IngestSession, ReadChoices } from './ingest-session';
import { formatGB, preflight, readDevice } from '../jobs/preflight';
import './preview.css';

export interface PreviewStepProps {
  session: IngestSession;
  /** The data a Run would use (null before any file parsed). */
  ingested: Ingested | null;
  loading: boolean;
  nNeighbors: number;
  shared: boolean;
  onReread(choices: ReadChoices): void;
  onLabelColumn(name: string | null): void;
  /** Show the map the file carries (Dataset.coords) as it is (not offered in "add to map" mode). */
  onOpenAsMap?(): void;
  /**
   * "Add to map" mode: the file's rows are new points for a map fitted on `d` dimensions. The
   * preview says why they cannot be added (`refusal`, else a dimension other than `d`), and leaves
   * out what is about a fit (its memory, n_neighbors, opening the file as a map).
   */
  addTo?: { d: number; refusal: string | null };
}

const MAX_PREVIEW_COLUMNS = 8;
const DELIMITERS: [string, string][] = [
  [',', 'comma'],
  ['\t', 'tab'],
  [';', 'semicolon'],
  ['|', 'pipe'],
  [' ', 'space'],
];

function cell(s: string | undefined): string {
  const t = s ?? '';
  return t.length > 24 ? `${t.slice(0, 21)}…` : t;
}

/**
 * What was found in the file before a job starts: the first rows, the vector columns and their
 * dimension, label and metadata columns (changeable), the row count as it becomes known and the
 * memory the job will need; plus parse progress, warnings and the offer to drop bad rows.
 */
export function PreviewStep(props: PreviewStepProps) {
  const s = props.session;
  const [maxDim, setMaxDim] = createSignal(String(DEFAULT_MAX_DIM));
  const reread = (patch: ReadChoices) => props.onReread({ ...s.choices(), ...patch });
  // Once a read has failed, the preview is about that file: no count or warnings of the data before.
  const failed = () => !props.loading && s.failure() !== null;
  const badRecord = () => {
    const f = failed() ? s.failure() : null;
    return f instanceof IngestError ? (f.record ?? null) : null;
  };
  const current = () => {
    if (failed()) return null;
    const ing = props.ingested;
    const p = s.preview();
    return ing && (!p || p.fileName === ing.dataset.fileName) ? ing : null;
  };
  const rowCount = () => {
    const ing = current();
    if (ing && !props.loading) return { n: ing.dataset.n, exact: true };
    const p = s.preview();
    if (p?.rowsKnown !== undefined) return { n: p.rowsKnown, exact: true };
    // A count estimated while reading means nothing once the read stopped.
    if (failed()) return null;
    const done = s.progress()?.rows ?? 0;
    if (p?.rowsEstimate !== undefined) return { n: Math.max(done, p.rowsEstimate), exact: false };
    return done > 0 ? { n: done, exact: false } : null;
  };
  const dim = () => (props.loading ? s.preview()?.d : current()?.dataset.d) ?? s.preview()?.d;
  const refusal = () => {
    const a = props.addTo;
    if (!a) return null;
    if (a.refusal) return a.refusal;
    const d = dim();
    return d !== undefined && d !== a.d ? dimensionMismatch(d, a.d) : null;
  };
  const memory = () => {
    if (props.addTo || failed()) return null;
    const r = rowCount();
    const d = dim();
    if (!r || !d) return null;
    try {
      // The preflight's model (the Run area shows it by buffer, with the time and the verdict).
      const rowsShared = current() ? !!current()!.dataset.memory : props.shared;
      return preflight({ n: r.n, d, params: { nNeighbors: props.nNeighbors }, rowsShared }, readDevice()).memory.totalBytes;
    } catch {
      return null; // n_neighbors the engine rejects: the form says so beside the field.
    }
  };
  const shownColumns = (p: PreviewInfo) => p.columns.slice(0, MAX_PREVIEW_COLUMNS);
  const vectorLine = (p: PreviewInfo) => {
    const v = p.vectorColumns;
    const list = v.length > 4 ? `${v.slice(0, 2).join(', ')} … ${v[v.length - 1]}` : v.join(', ');
    return `${list} — dimension ${formatCount(p.d)}`;
  };
  // Text tables get dialect controls even when the read failed before any preview (wrong delimiter).
  const isText = () => !!s.files()?.some((f) => /\.(csv|tsv|tab|txt)$|^[^.]*$/i.test(f.name));
  const metaNames = () => current()?.dataset.metadata?.map((m) => m.name) ?? [];
  // The map the file carries, from the preview while reading, then from what was read.
  const found = () => {
    if (!props.onOpenAsMap) return null;
    const p = s.preview();
    const c = current()?.dataset.coords;
    if (p?.coords) return { ...p.coords, array: p.format === 'npy' || p.format === 'npz', d: p.d };
    if (c) return { columns: c.columns, dim: c.dim, alsoData: c.alsoData, array: /^npz?$/.test(current()!.dataset.format ?? ''), d: current()!.dataset.d };
    return null;
  };

  return (
    <Show when={props.loading || s.preview() || s.files() || current()}>
      <section class="preview-step" data-testid="preview-step">
        <Show when={props.loading && s.progress()} keyed>
          {(p) => (
            <div class="parse-progress" data-testid="parse-progress">
              <progress value={p.bytes} max={p.totalBytes || 1} />
              <span>
                {formatBytes(p.bytes)} of {formatBytes(p.totalBytes)} · {formatCount(p.rows)} rows
              </span>
            </div>
          )}
        </Show>
        <Show when={s.preview()} keyed>
          {(p) => (
            <>
              <p class="preview-line" data-testid="preview-vector">
                <b>{p.format}</b> · vector: {vectorLine(p)}
              </p>
              <Show when={found()} keyed>
                {(c) => (
                  <div class="preview-coords" data-testid="preview-coords">
                    <p class="preview-line">
                      {c.array ? `an (n, ${c.dim}) array: ${c.dim}-D coordinates of a map, or ${c.dim}-D data to embed` : `${c.dim}-D coordinates in columns ${c.columns.join(', ')}`}
                    </p>
                    <button type="button" data-testid="open-as-map" disabled={props.loading || !current()?.dataset.coords} onClick={() => props.onOpenAsMap?.()}>
                      Open as map
                    </button>{' '}
                    <span>{c.alsoData ? `or Run to embed ${c.array ? 'the array' : 'these columns'} as ${c.dim}-D data` : `or Run on the vectors (dimension ${formatCount(c.d)})`}</span>
                  </div>
                )}
              </Show>
              <Show when={p.rows.length > 0}>
                <section class="preview-table-wrap" tabindex="0" aria-label="First rows of the file">
                  <table class="preview-table" data-testid="preview-table">
                    <thead>
                      <tr>
                        <For each={shownColumns(p)}>{(c) => <th classList={{ vec: p.vectorColumns.includes(c) }}>{cell(c)}</th>}</For>
                        <Show when={p.columns.length > MAX_PREVIEW_COLUMNS}>
                          <th>+{p.columns.length - MAX_PREVIEW_COLUMNS}</th>
                        </Show>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={p.rows}>
                        {(r, i) => (
                          <tr classList={{ bad: badRecord()?.row === i() + 1 }}>
                            <For each={shownColumns(p)}>{(_, j) => <td classList={{ bad: badRecord()?.row === i() + 1 && badRecord()?.column === j() }}>{cell(r[j()])}</td>}</For>
                            <Show when={p.columns.length > MAX_PREVIEW_COLUMNS}>
                              <td>…</td>
                            </Show>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </section>
              </Show>
              <Show when={p.metaColumns.length > 0}>
                <p class="preview-line" data-testid="preview-meta">
                  metadata: {p.metaColumns.join(', ')}
                </p>
              </Show>
            </>
          )}
        </Show>
        <Show when={badRecord()} keyed>
          {(rec) => <BadRow record={rec} />}
        </Show>
        <Show when={!failed() || rowCount()}>
          <p class="preview-line" data-testid="preview-rows">
            <Show when={rowCount()} keyed fallback="rows: counting…">
              {(r) => (r.exact ? `rows: ${formatCount(r.n)}` : `rows: about ${formatCount(r.n)} (estimated while reading)`)}
            </Show>
          </p>
        </Show>
        <Show when={memory()} keyed>
          {(m) => (
            <p class="preview-line" data-testid="preview-memory">
              memory for the job: ≈ {formatGB(m)} (with n_neighbors = {props.nNeighbors})
            </p>
          )}
        </Show>
        <Show when={refusal()}>
          {(r) => (
            <p class="preview-warning" role="alert" data-testid="preview-refusal">
              {r()}
            </p>
          )}
        </Show>
        <Show when={!props.addTo && rowCount()?.exact && rowCount()!.n < props.nNeighbors + 1}>
          <p class="preview-warning" data-testid="preview-too-few">
            {formatCount(rowCount()!.n)} rows is fewer than n_neighbors + 1 = {props.nNeighbors + 1}: lower n_neighbors before running.
          </p>
        </Show>
        <div class="preview-controls">
          <Show when={metaNames().length > 0}>
            <label>
              colour by{' '}
              <select data-testid="label-column" onChange={(e) => props.onLabelColumn(e.currentTarget.value === '' ? null : e.currentTarget.value)}>
                <option value="" selected={!current()?.dataset.labelName}>
                  (none)
                </option>
                <For each={metaNames()}>
                  {(name) => (
                    <option value={name} selected={current()?.dataset.labelName === name}>
                      {name}
                    </option>
                  )}
                </For>
              </select>
            </label>
          </Show>
          <Show when={(current()?.dataset.vectorCandidates?.length ?? 0) > 1}>
            <label>
              vector field{' '}
              <select data-testid="vector-field" disabled={props.loading} onChange={(e) => reread({ vectorField: e.currentTarget.value })}>
                <For each={current()!.dataset.vectorCandidates}>{(name) => <option selected={current()?.dataset.vectorField === name}>{name}</option>}</For>
              </select>
            </label>
          </Show>
          <Show when={isText()}>
            <label>
              delimiter{' '}
              <select data-testid="csv-delimiter" disabled={props.loading} onChange={(e) => reread({ delimiter: e.currentTarget.value })}>
                <For each={DELIMITERS}>
                  {([d, name]) => (
                    <option value={d} selected={(s.choices().delimiter ?? s.preview()?.delimiter) === d}>
                      {name}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                data-testid="csv-header"
                disabled={props.loading}
                checked={s.choices().header ?? s.preview()?.header ?? true}
                onChange={(e) => reread({ header: e.currentTarget.checked })}
              />{' '}
              first row is a header
            </label>
          </Show>
          <Show when={s.files()}>
            <label>
              dimension limit{' '}
              <input
                class="max-dim"
                data-testid="max-dim"
                inputmode="numeric"
                value={maxDim()}
                disabled={props.loading}
                onChange={(e) => {
                  const v = Number(e.currentTarget.value);
                  setMaxDim(e.currentTarget.value);
                  if (Number.isInteger(v) && v > 0) reread({ maxDim: v });
                }}
              />
            </label>
          </Show>
        </div>
        <Show when={s.badRows() > 0 && s.files()}>
          <div class="bad-rows" data-testid="bad-rows">
            <button type="button" data-testid="drop-bad-rows" onClick={() => reread({ dropBadRows: true })}>
              Drop {formatCount(s.badRows())} bad row{s.badRows() === 1 ? '' : 's'}
            </button>{' '}
            or fix the file and load it again.
          </div>
        </Show>
        <Show when={!props.loading && current()} keyed>
          {(ing) => (
            <>
              <Show when={(ing.dataset.duplicates ?? 0) > 0}>
                <p class="preview-line" data-testid="preview-duplicates">
                  duplicate rows: {formatCount(ing.dataset.duplicates!)}
                </p>
              </Show>
              <For each={ing.dataset.warnings ?? []}>
                {(w) => (
                  <p class="preview-warning" data-testid="preview-warning">
                    {w}
                  </p>
                )}
              </For>
            </>
          )}
        </Show>
      </section>
    </Show>
  );
}
