import { createSignal, Show } from 'solid-js';
import { saveSettings, validateSettings, type JobSettings } from '../jobs/settings';

/** Persisted job settings; a value is applied (and stored) only once the whole form is valid. */
export function SettingsPanel(props: { settings: JobSettings; onChange(s: JobSettings): void }) {
  const [draft, setDraft] = createSignal<Record<keyof JobSettings, string | boolean>>({
    chunkSize: String(props.settings.chunkSize),
    maxConcurrentJobs: String(props.settings.maxConcurrentJobs),
    retentionHours: String(props.settings.retentionHours),
    autoResume: props.settings.autoResume,
    gpuMemoryFraction: String(props.settings.gpuMemoryFraction),
  });
  const [error, setError] = createSignal<string | null>(null);
  const update = (key: keyof JobSettings, value: string | boolean) => {
    const next = { ...draft(), [key]: value };
    setDraft(next);
    const num = (k: keyof JobSettings) => {
      const raw = String(next[k]).trim();
      return raw === '' ? NaN : Number(raw);
    };
    try {
      const s = validateSettings({
        chunkSize: num('chunkSize'),
        maxConcurrentJobs: num('maxConcurrentJobs'),
        retentionHours: num('retentionHours'),
        autoResume: next.autoResume === true,
        gpuMemoryFraction: num('gpuMemoryFraction'),
      });
      saveSettings(s);
      setError(null);
      props.onChange(s);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const field = (key: keyof JobSettings, label: string, testid: string) => (
    <label>
      {label}
      <input type="text" inputmode="decimal" data-testid={testid} value={String(draft()[key])} onInput={(ev) => update(key, ev.currentTarget.value)} />
    </label>
  );
  return (
    <details class="settings" data-testid="settings">
      <summary>Settings</summary>
      {field('chunkSize', 'kNN chunk size (points)', 'setting-chunk-size')}
      {field('maxConcurrentJobs', 'Max concurrent jobs', 'setting-max-jobs')}
      {field('retentionHours', 'Keep failed/cancelled jobs (hours)', 'setting-retention')}
      {field('gpuMemoryFraction', 'GPU memory fraction', 'setting-gpu-fraction')}
      <label class="check">
        <input type="checkbox" data-testid="setting-auto-resume" checked={draft().autoResume === true} onChange={(ev) => update('autoResume', ev.currentTarget.checked)} />
        Resume interrupted jobs automatically
      </label>
      <Show when={error()}>
        <p class="settings-error" role="alert">
          {error()}
        </p>
      </Show>
    </details>
  );
}
