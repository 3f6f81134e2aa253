import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Scheduler } from '../jobs/scheduler';
import { formatBytes } from './format';

/** Usage above this share of the quota gets a warning before writes start to fail. */
const NEAR_FULL = 0.9;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Storage usage and quota, the map library's share, persistence, and the warning shown when IndexedDB refuses a write. */
export function StoragePanel(props: { scheduler: Scheduler; library: { count: number; bytes: number } }) {
  const [estimate, setEstimate] = createSignal<{ usage: number; quota: number } | null>(null);
  const [persisted, setPersisted] = createSignal<boolean | null>(null);
  const [warning, setWarning] = createSignal<string | null>(props.scheduler.storageWarning);
  const refresh = async () => {
    const st = navigator.storage;
    if (!st?.estimate) return;
    const e = await st.estimate().catch(() => null);
    if (e) setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 });
    if (st.persisted) setPersisted(await st.persisted().catch(() => null));
  };
  onMount(() => void refresh());
  const timer = setInterval(() => void refresh(), 5000);
  onCleanup(() => clearInterval(timer));
  onCleanup(props.scheduler.subscribe(() => setWarning(props.scheduler.storageWarning)));
  const askPersist = async () => {
    const ok = await navigator.storage?.persist?.().catch(() => false);
    setPersisted(!!ok);
  };
  const nearFull = () => {
    const e = estimate();
    return !!e && e.quota > 0 && e.usage / e.quota > NEAR_FULL;
  };
  return (
    <section class="storage" data-testid="storage">
      <h2>Storage</h2>
      <p data-testid="storage-usage">
        <Show when={estimate()} fallback="Usage unknown in this browser.">
          {(e) => (
            <>
              {mb(e().usage)} used of {mb(e().quota)}
            </>
          )}
        </Show>
      </p>
      <p data-testid="storage-library">
        Map library: {props.library.count === 1 ? '1 map' : `${props.library.count} maps`}, {formatBytes(props.library.bytes)}
      </p>
      <Show when={persisted() === false}>
        <button type="button" data-testid="storage-persist" onClick={() => void askPersist()}>
          Keep data when the browser is low on space
        </button>
      </Show>
      <Show when={persisted() === true}>
        <p class="muted">Stored data is persistent.</p>
      </Show>
      <Show when={warning() ?? (nearFull() ? 'Browser storage is nearly full: new checkpoints may fail, and jobs would then continue in memory only.' : null)}>
        {(w) => (
          <p class="storage-warning" role="alert" data-testid="storage-warning">
            {w()}
          </p>
        )}
      </Show>
    </section>
  );
}
