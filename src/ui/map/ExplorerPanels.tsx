// The three panels under the map (selection, export, share): presentation only. The map store owns
// the state and the actions; Explorer hands them in as props.
import { For, Show } from 'solid-js';
import type { MetaColumn } from '../../io/dataset';
import type { ExportSettings } from '../store/map-export';
import type { ExportKind } from '../store/map-types';
import './export-panel.css';
import { cellText } from './coloring';

/** Rows listed in the selection panel; the export has them all. */
const SELECTION_LIST_MAX = 200;

/** The selected rows, each with its list column's text and its cluster. */
export function SelectionPanel(props: {
  selection: number[];
  n: number;
  /** Cluster labels per point, or null while there are none for these points. */
  clusters: Int32Array | null;
  /** The column shown beside each row (the labels, else the first text column). */
  listColumn: MetaColumn | null;
  onExport: () => void;
  onClear: () => void;
}) {
  return (
    <section class="panel" data-testid="selection-panel">
      <h3>
        Selection: <span data-testid="selection-count">{props.selection.length.toLocaleString('en-US')}</span> {props.selection.length === 1 ? 'point' : 'points'}
      </h3>
      <Show when={props.selection.length > 0} fallback={<p class="hint">Shift+drag (or Lasso) to select a region; click a point to select it.</p>}>
        <div class="row-buttons">
          <button type="button" data-testid="export-selection" onClick={props.onExport}>
            Export selection (CSV)
          </button>
          <button type="button" onClick={props.onClear}>
            Clear
          </button>
        </div>
        <ol class="selection-list" data-testid="selection-list">
          <For each={props.selection.slice(0, SELECTION_LIST_MAX)}>
            {(i) => (
              <li>
                row {i + 1}
                <Show when={props.listColumn}>{(col) => <> — {cellText(col(), i)}</>}</Show>
                <Show when={props.clusters?.length === props.n}> · cluster {props.clusters![i]! < 0 ? 'noise' : props.clusters![i]}</Show>
              </li>
            )}
          </For>
        </ol>
        <Show when={props.selection.length > SELECTION_LIST_MAX}>
          <p class="hint">
            First {SELECTION_LIST_MAX} of {props.selection.length.toLocaleString('en-US')} shown; the export has all.
          </p>
        </Show>
      </Show>
    </section>
  );
}

/**
 * The metadata columns to include, the row id, the figure's title and size, whether to add the
 * reproducibility record, and one button per export format, with the export's messages.
 */
export function ExportPanel(props: {
  settings: ExportSettings;
  meta: MetaColumn[];
  /** The chosen columns; null means all. */
  chosen: Set<string> | null;
  onChoose: (chosen: Set<string>) => void;
  hasResult: boolean;
  onExport: (kind: Exclude<ExportKind, 'selection'>) => void;
  error: string | null;
  clusterNote: string | null;
  mcsError: string | null;
}) {
  return (
    <section class="panel" data-testid="export-panel">
      <h3>Export</h3>
      <Show when={props.meta.length > 0}>
        <fieldset class="meta-columns">
          <legend>Columns</legend>
          <For each={props.meta}>
            {(m) => (
              <label>
                <input
                  type="checkbox"
                  checked={!props.chosen || props.chosen.has(m.name)}
                  onChange={(e) => {
                    const s = new Set(props.chosen ?? props.meta.map((c) => c.name));
                    if (e.currentTarget.checked) s.add(m.name);
                    else s.delete(m.name);
                    props.onChoose(s);
                  }}
                />{' '}
                {m.name}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <div class="export-options">
        <label>
          Row id{' '}
          <select
            data-testid="export-id-column"
            value={props.settings.idColumn() ?? ''}
            onChange={(e) => props.settings.setIdColumn(e.currentTarget.value === '' ? null : e.currentTarget.value)}
          >
            <option value="">source row (0-based)</option>
            <For each={props.meta}>{(m) => <option value={m.name}>{m.name}</option>}</For>
          </select>
        </label>
        <label>
          Figure title <input type="text" data-testid="export-title" placeholder="none" value={props.settings.title()} onInput={(e) => props.settings.setTitle(e.currentTarget.value)} />
        </label>
        <fieldset class="export-scale">
          <legend>PNG size</legend>
          <label>
            <input type="radio" name="export-scale" data-testid="export-scale-1" checked={props.settings.scale() === 1} onChange={() => props.settings.setScale(1)} /> 1×
          </label>
          <label>
            <input type="radio" name="export-scale" data-testid="export-scale-2" checked={props.settings.scale() === 2} onChange={() => props.settings.setScale(2)} /> 2×
          </label>
        </fieldset>
        <label>
          <input type="checkbox" data-testid="export-record" checked={props.settings.withRecord()} onChange={(e) => props.settings.setWithRecord(e.currentTarget.checked)} /> Add a
          reproducibility record (.record.json)
        </label>
      </div>
      <div class="row-buttons">
        <button type="button" data-testid="export-csv" disabled={!props.hasResult} onClick={() => props.onExport('csv')}>
          CSV
        </button>
        <button type="button" data-testid="export-npy" disabled={!props.hasResult} onClick={() => props.onExport('npy')}>
          .npy
        </button>
        <button type="button" data-testid="export-parquet" disabled={!props.hasResult} onClick={() => props.onExport('parquet')}>
          Parquet
        </button>
        <button type="button" data-testid="export-png" disabled={!props.hasResult} onClick={() => props.onExport('png')}>
          PNG
        </button>
        <button type="button" data-testid="export-svg" disabled={!props.hasResult} onClick={() => props.onExport('svg')}>
          SVG
        </button>
        <button type="button" data-testid="export-map" disabled={!props.hasResult} onClick={() => props.onExport('map')}>
          Map file
        </button>
      </div>
      <Show when={props.error}>{(e) => <p class="error-text">{e()}</p>}</Show>
      <Show when={props.clusterNote}>
        {(s) => (
          <p class="hint" data-testid="cluster-note">
            {s()}
          </p>
        )}
      </Show>
      <Show when={props.mcsError}>{(s) => <p class="error-text">{s()}</p>}</Show>
    </section>
  );
}

/** The map's share link, or why there is none. */
export function SharePanel(props: { link: string | null; noLinkReason: string | null; copied: string | null; onCopy: () => void }) {
  return (
    <section class="panel" data-testid="share-panel">
      <h3>Share</h3>
      <Show
        when={props.link}
        fallback={
          <p class="hint" data-testid="no-link-reason">
            {props.noLinkReason ?? 'Run a demo or a public dataset URL to get a link.'}
          </p>
        }
      >
        {(link) => (
          <>
            <input class="share-link" data-testid="share-link" aria-label="Link to this map" readonly value={link()} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" data-testid="copy-link" onClick={props.onCopy}>
              Copy link
            </button>
            <Show when={props.copied}>{(c) => <span class="hint">{c()}</span>}</Show>
          </>
        )}
      </Show>
    </section>
  );
}
