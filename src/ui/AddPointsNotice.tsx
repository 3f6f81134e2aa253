import { For, Show } from 'solid-js';
import { formatCount } from './format';
import type { LandedBatch } from './store/add-points';

/**
 * What a batch of added points became: how many landed and found a cluster, and, when the batch is
 * large against the map or far from it, why a refit with all points would serve it better.
 */
export function AddPointsNotice(props: { batch: LandedBatch; onRefit(): void; refitBusy: boolean; onDismiss(): void }) {
  return (
    // A status, but not live: AddPointsAnnouncer is the step's one live region and already says this.
    <div class="add-points-notice" role="status" aria-live="off" data-testid="add-points-notice">
      <Show
        when={props.batch.inLibrary}
        fallback={
          <p>
            {props.batch.elsewhere
              ? `${formatCount(props.batch.m)} points (${props.batch.name}), added to this map in the library since it was opened (in another tab, or by a job that finished meanwhile), are shown here too`
              : `Added ${formatCount(props.batch.m)} points (${props.batch.name})`}
            ; {formatCount(props.batch.clustered)} joined a cluster, {formatCount(props.batch.m - props.batch.clustered)} are noise. Colour by batch to see them.
          </p>
        }
      >
        {(mapName) => (
          <p>
            Added {formatCount(props.batch.m)} points ({props.batch.name}) to the map “{mapName()}” in the library, which was not the map shown; {formatCount(props.batch.clustered)} joined a
            cluster. Open it from the library to see them.
          </p>
        )}
      </Show>
      <For each={props.batch.advice}>{(line) => <p data-testid="add-points-advice">{line}</p>}</For>
      <div class="row-buttons">
        <Show when={props.batch.advice.length > 0 && !props.batch.inLibrary}>
          <button type="button" data-testid="refit-with-all" disabled={props.refitBusy} onClick={() => props.onRefit()}>
            Refit with all points
          </button>
        </Show>
        <button type="button" data-testid="add-points-dismiss" onClick={() => props.onDismiss()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
