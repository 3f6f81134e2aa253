import { createEffect, createMemo, createSignal, For, Show } from 'solid-js';
import { formatGB, preflight, readDevice, readGpuLimits, type DeviceLimits, type Preflight, type PreflightOption } from '../jobs/preflight';
import { formatCount } from './format';
import { readParams } from './params-form-model';
import { useDataStore, usePageActions, usePcaReduce } from './store';
import './preflight.css';

type PcaOption = Extract<PreflightOption, { kind: 'pca' }>;

function seconds(s: number): string {
  if (s < 1) return 'under 1 s';
  if (s < 90) return `${Math.round(s)} s`;
  return `${Math.round(s / 60)} min`;
}

/**
 * Before Run: the job's estimated memory (by buffer) and time on this device. When it will not fit,
 * why, with the numbers, and what would: a PCA of the rows to k dimensions (run here, in a Worker),
 * the GPU where this device has one that holds the rows, and what is not offered and why.
 */
export function PreflightPanel() {
  const data = useDataStore();
  const pca = usePcaReduce();
  const actions = usePageActions();
  // The GPU adapter is asked for only once a job does not fit: asking costs the page a long task.
  const [gpu, setGpu] = createSignal<DeviceLimits['gpu']>(null);
  let gpuAsked = false;
  const check = createMemo((): Preflight | null => {
    const ing = data.input();
    if (!ing || data.loading()) return null;
    try {
      const ds = ing.dataset;
      return preflight({ n: ds.n, d: ds.d, params: readParams(data.form), rowsShared: !!ds.memory }, readDevice(gpu()));
    } catch {
      return null; // Bad parameters: the form says which, beside the field.
    }
  });
  createEffect(() => {
    if (check() && check()!.verdict !== 'fits' && !gpuAsked) {
      gpuAsked = true;
      void readGpuLimits().then(setGpu);
    }
  });
  const pcaOptions = () => (check()?.options.filter((o) => o.kind === 'pca') ?? []) as PcaOption[];
  const [pickedK, setPickedK] = createSignal<number | null>(null);
  // The user's k, else the largest that fits up to 128 dimensions, else the smallest offered.
  const chosen = (): PcaOption | null => {
    const opts = pcaOptions();
    return opts.find((o) => o.k === pickedK()) ?? opts.find((o) => o.fits && o.k <= 128) ?? opts.find((o) => o.fits) ?? opts.at(-1) ?? null;
  };
  const otherOptions = () => check()?.options.filter((o) => o.kind !== 'pca') ?? [];

  return (
    <Show when={check()} keyed>
      {(p) => (
        <section class="preflight" aria-labelledby="preflight-title" data-testid="preflight">
          <h3 id="preflight-title">Estimate before Run</h3>
          <p data-testid="preflight-estimate">
            memory ≈ {formatGB(p.memory.totalBytes)}
            {p.offeredBytes !== null ? ` of ≈ ${formatGB(p.offeredBytes)} on this device` : ''} · time ≈ {seconds(p.time.total)} on {readDevice().cores} cores (an estimate)
          </p>
          <details class="preflight-buffers">
            <summary>By buffer and phase</summary>
            <ul data-testid="preflight-buffers">
              <For each={p.memory.buffers}>{(b) => <li>{`${b.name}: ${formatGB(b.bytes)}`}</li>}</For>
              <li>{`kNN ${seconds(p.time.knn)}, graph ${seconds(p.time.graph)}, init ${seconds(p.time.init)}, layout ${seconds(p.time.layout)}`}</li>
            </ul>
          </details>
          <Show when={pca.note()} keyed>
            {(n) => (
              <p class="preflight-note" data-testid="pca-note">
                Reduced by PCA from {formatCount(n.fromD)} to {n.k} dimensions, keeping {(100 * n.varianceKept).toFixed(1)} % of the variance (measured by the PCA, in {n.seconds.toFixed(1)}{' '}
                s).
              </p>
            )}
          </Show>
          <Show when={p.verdict === 'refused'}>
            <p class="preflight-refusal" role="alert" data-testid="preflight-refusal">
              {p.message} Run is refused.
            </p>
          </Show>
          <Show when={p.verdict === 'tight'}>
            <p class="preview-warning" data-testid="preflight-tight">
              {p.message}
            </p>
          </Show>
          <Show when={p.options.length > 0}>
            <table class="preflight-options" data-testid="preflight-options">
              <caption>{p.verdict === 'refused' ? 'What would fit' : 'What would use less'}</caption>
              <thead>
                <tr>
                  <th scope="col">option</th>
                  <th scope="col">memory</th>
                  <th scope="col">time</th>
                  <th scope="col">quality cost</th>
                </tr>
              </thead>
              <tbody>
                {/* Not keyed: a new k must not re-create the row, or the select would lose the keyboard's focus. */}
                <Show when={chosen()}>
                  {(o) => (
                    <tr data-testid="option-pca">
                      <td>
                        <label>
                          PCA to{' '}
                          <select data-testid="pca-k" disabled={!!pca.progress()} onChange={(e) => setPickedK(Number(e.currentTarget.value))}>
                            <For each={pcaOptions()}>
                              {(c) => (
                                <option value={c.k} selected={c.k === o().k}>
                                  {c.k}
                                  {c.fits ? '' : ' (does not fit)'}
                                </option>
                              )}
                            </For>
                          </select>{' '}
                          dimensions
                        </label>{' '}
                        <button type="button" data-testid="pca-run" disabled={!o().fits || !!pca.progress()} onClick={() => pca.start(o().k)}>
                          Reduce
                        </button>
                      </td>
                      <td>≈ {formatGB(o().memory.totalBytes)}</td>
                      <td>
                        ≈ {seconds(o().pcaSeconds)} PCA + {seconds(o().seconds)} job
                      </td>
                      <td>{o().quality}</td>
                    </tr>
                  )}
                </Show>
                <For each={otherOptions()}>
                  {(o) => (
                    <tr data-testid={`option-${o.kind}`}>
                      <td>
                        {o.kind === 'gpu' ? 'Run on the GPU' : 'float16 rows'}
                        <Show when={o.kind === 'gpu' && o.available && o.fits}>
                          {' '}
                          <button type="button" data-testid="gpu-run" onClick={() => actions.runOnGpu()}>
                            Run on the GPU
                          </button>
                        </Show>
                      </td>
                      <td>{o.kind === 'gpu' && o.memory ? `≈ ${formatGB(o.memory.totalBytes)}` : '—'}</td>
                      <td>{o.kind === 'gpu' && o.available && o.fits ? 'not measured on a GPU of this class' : '—'}</td>
                      <td>{o.kind === 'gpu' && o.available && o.fits ? o.quality : `not offered: ${o.why}`}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
          <Show when={pca.progress()} keyed>
            {(g) => (
              <div class="preflight-progress" data-testid="pca-progress">
                <progress value={g.fraction} max={1} aria-label={`PCA to ${g.k} dimensions`} /> PCA to {g.k} dimensions: pass {Math.min(g.pass + 1, g.passes)} of {g.passes}{' '}
                <button type="button" data-testid="pca-cancel" onClick={() => pca.cancel()}>
                  Cancel PCA
                </button>
              </div>
            )}
          </Show>
        </section>
      )}
    </Show>
  );
}
