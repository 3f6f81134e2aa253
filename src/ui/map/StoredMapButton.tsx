import { createSignal, onMount, Show } from 'solid-js';
import type { MapFile } from '../../export/map-file';
import { messageOf } from '../../io/error-message';
import { forgetLastMap, hasLastMap, loadLastMap } from './stored-map';

/**
 * Reopen the last finished map from this browser's storage: no network, no recomputing. It holds
 * the map's labels and metadata, so the user can also forget it.
 */
export function StoredMapButton(props: { onOpen(m: MapFile): void; onError(message: string): void }) {
  const [available, setAvailable] = createSignal(false);
  onMount(() => void hasLastMap().then(setAvailable, () => setAvailable(false)));
  const open = async () => {
    try {
      const m = await loadLastMap();
      if (m) props.onOpen(m);
      else props.onError('No stored map in this browser.');
    } catch (err) {
      props.onError(`The stored map could not be opened: ${messageOf(err)}`);
    }
  };
  return (
    <Show when={available()}>
      <div class="row-buttons">
        <button type="button" class="demo" data-testid="open-stored-map" onClick={() => void open()}>
          Reopen last map
        </button>
        <button
          type="button"
          data-testid="forget-stored-map"
          title="Delete the stored map from this browser"
          onClick={() =>
            void forgetLastMap().then(
              () => setAvailable(false),
              (err: unknown) => props.onError(`Could not delete the stored map: ${String(err)}`),
            )
          }
        >
          Forget
        </button>
      </div>
    </Show>
  );
}
