import { createMemo, createSignal, For, Show } from 'solid-js';
import type { LibraryEntry } from '../jobs/map-library';
import type { JobView } from '../jobs/scheduler';
import { formatBytes, formatCount } from './format';
import { useAppStore, useLibraryStore, useMapStore, usePageActions } from './store';
import './library.css';

/** "1,797 × 64", or the point count alone when the map does not record its dimension. */
function shapeText(e: LibraryEntry): string {
  return e.d === null ? `${formatCount(e.n)} points` : `${formatCount(e.n)} × ${formatCount(e.d)}`;
}

/** n_neighbors, min_dist and metric, from a run's parameters or a map file's. */
function paramsText(p: Record<string, unknown>): string {
  const parts: string[] = [];
  if (p.nNeighbors !== undefined && p.nNeighbors !== '') parts.push(`n_neighbors ${String(p.nNeighbors)}`);
  if (p.minDist !== undefined && p.minDist !== '') parts.push(`min_dist ${String(p.minDist)}`);
  if (typeof p.metric === 'string') parts.push(p.metric);
  return parts.length > 0 ? parts.join(' · ') : 'parameters not recorded';
}

const dateText = (t: number) => new Date(t).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** Every finished map kept in this browser: open (offline too), rename, delete, export. */
export function LibraryPanel() {
  const lib = useLibraryStore();
  const map = useMapStore();
  const app = useAppStore();
  const actions = usePageActions();
  const open = async (id: string) => {
    const got = await lib.read(id);
    if (got) actions.openMap(got.map, got.origin);
    else app.warn(lib.error() ?? 'The map could not be opened.');
  };
  // Rows are keyed by id, not by entry object: the list is re-read from IndexedDB after every save, and
  // a row re-created then would lose a rename or delete confirmation the user has open.
  const ids = createMemo(() => lib.entries().map((e) => e.id), [], { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  return (
    <section class="library" data-testid="library" aria-labelledby="library-title">
      <h2 id="library-title">Library</h2>
      <Show when={lib.entries().length > 0} fallback={<p class="muted">{lib.loaded() ? 'No maps yet. Every finished map is kept here.' : 'Reading the library…'}</p>}>
        <ul class="library-list">
          <For each={ids()}>
            {(id) => {
              const entry = createMemo(() => lib.entries().find((e) => e.id === id));
              return (
                <Show when={entry()}>
                  {(e) => (
                    <LibraryRow
                      entry={e()}
                      shown={map.libraryEntry() === id}
                      job={lib.jobOf(e())}
                      onOpen={() => void open(id)}
                      onRename={(name) => lib.rename(id, name)}
                      onDelete={(withJob) => void lib.remove(e(), withJob)}
                      onExport={() => void lib.exportMap(id)}
                    />
                  )}
                </Show>
              );
            }}
          </For>
        </ul>
      </Show>
      <Show when={lib.error()}>
        {(msg) => (
          <p class="error-text" role="alert" data-testid="library-error">
            {msg()}
          </p>
        )}
      </Show>
    </section>
  );
}

function LibraryRow(props: {
  entry: LibraryEntry;
  shown: boolean;
  job: JobView | null;
  onOpen(): void;
  onRename(name: string): Promise<boolean>;
  onDelete(withJob: boolean): void;
  onExport(): void;
}) {
  const [renaming, setRenaming] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  let renameButton: HTMLButtonElement | undefined;
  let deleteButton: HTMLButtonElement | undefined;
  const name = () => props.entry.name;
  const stopRenaming = () => {
    setRenaming(false);
    queueMicrotask(() => renameButton?.focus());
  };
  const stopConfirming = () => {
    setConfirming(false);
    queueMicrotask(() => deleteButton?.focus());
  };
  return (
    <li class="library-entry" classList={{ shown: props.shown }} data-testid="library-entry" data-library-id={props.entry.id}>
      <Show
        when={renaming()}
        fallback={
          <span class="library-name" data-testid="library-name">
            {name()}
          </span>
        }
      >
        <input
          class="library-rename"
          data-testid="library-rename-input"
          aria-label={`New name for map ${name()}`}
          value={name()}
          ref={(el) => queueMicrotask(() => el.select())}
          onKeyDown={(ev) => {
            if (ev.key === 'Escape') {
              ev.preventDefault();
              stopRenaming();
            } else if (ev.key === 'Enter') {
              ev.preventDefault();
              const next = ev.currentTarget.value;
              void props.onRename(next).then((ok) => ok && stopRenaming());
            }
          }}
        />
        <span class="hint">Enter saves, Escape cancels.</span>
      </Show>
      <p class="library-facts" data-testid="library-facts">
        {shapeText(props.entry)} · {paramsText(props.entry.params)}
        <br />
        {dateText(props.entry.updatedAt)} · {formatBytes(props.entry.bytes)}
        <Show when={props.shown}> · shown</Show>
      </p>
      <Show
        when={confirming()}
        fallback={
          <div class="row-buttons">
            <button type="button" data-testid="library-open" aria-label={`Open map ${name()}`} onClick={() => props.onOpen()}>
              Open
            </button>
            <button type="button" data-testid="library-rename" aria-label={`Rename map ${name()}`} ref={(el) => (renameButton = el)} onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button type="button" data-testid="library-export" aria-label={`Export map ${name()}`} onClick={() => props.onExport()}>
              Export
            </button>
            <button type="button" data-testid="library-delete" aria-label={`Delete map ${name()}`} ref={(el) => (deleteButton = el)} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        }
      >
        <fieldset
          class="library-confirm"
          data-testid="library-confirm"
          onKeyDown={(ev) => {
            if (ev.key === 'Escape') {
              ev.preventDefault();
              stopConfirming();
            }
          }}
        >
          <legend>Delete “{name()}” from this browser?</legend>
          <p>
            <Show when={props.job} fallback="This cannot be undone.">
              The job it came from is still stored (its data is what “Add points” uses): keep it in the Jobs panel, or delete it too.
            </Show>
          </p>
          <div class="row-buttons">
            <button type="button" data-testid="library-delete-confirm" ref={(el) => queueMicrotask(() => el.focus())} onClick={() => props.onDelete(false)}>
              {props.job ? 'Delete map, keep job' : 'Delete map'}
            </button>
            <Show when={props.job}>
              <button type="button" data-testid="library-delete-with-job" onClick={() => props.onDelete(true)}>
                Delete map and job data
              </button>
            </Show>
            <button type="button" data-testid="library-delete-cancel" onClick={stopConfirming}>
              Cancel
            </button>
          </div>
        </fieldset>
      </Show>
    </li>
  );
}
