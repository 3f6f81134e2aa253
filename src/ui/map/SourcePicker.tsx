import { createSignal, Show } from 'solid-js';
import { linkQuery, MAX_SYNTHETIC_N, type LinkSource } from '../../share/link';
import type { ParamsFormState } from '../params-form-model';

/**
 * Demo generators and public dataset URLs. Both open as links (a page load), so what runs is exactly
 * what the link says, and the page's connection policy covers the dataset's origin.
 */
export function SourcePicker(props: { form: ParamsFormState }) {
  const [kind, setKind] = createSignal<'blobs' | 'swissroll' | 'sphere'>('blobs');
  const [n, setN] = createSignal('10000');
  const [d, setD] = createSignal('32');
  const [url, setUrl] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);

  const go = (source: LinkSource) => {
    location.assign(new URL(linkQuery({ source, params: { ...props.form } }, location.search), location.href).href);
  };

  const openSynthetic = () => {
    const nn = Number(n());
    const dd = Number(d());
    if (!Number.isInteger(nn) || nn < 20 || nn > MAX_SYNTHETIC_N) return setError(`Points must be a whole number from 20 to ${MAX_SYNTHETIC_N.toLocaleString('en-US')}.`);
    const minD = kind() === 'blobs' ? 2 : 3;
    if (!Number.isInteger(dd) || dd < minD || dd > 1024) return setError(`Dimensions must be a whole number from ${minD} to 1024.`);
    setError(null);
    const k = kind();
    go(k === 'blobs' ? { kind: 'blobs', n: nn, d: dd, clusters: 10 } : { kind: k, n: nn, d: dd });
  };

  const openUrl = () => {
    let u: URL;
    try {
      u = new URL(url().trim());
    } catch {
      return setError(`'${url()}' is not a URL.`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return setError('Only http(s) dataset URLs can be opened.');
    setError(null);
    go({ kind: 'url', url: u.href });
  };

  return (
    <details class="sources" data-testid="sources">
      <summary>Synthetic demos and dataset URLs</summary>
      <div class="source-row">
        <select data-testid="synthetic-kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as 'blobs')}>
          <option value="blobs">Gaussian blobs</option>
          <option value="swissroll">Swiss roll</option>
          <option value="sphere">Sphere</option>
        </select>
        <input data-testid="synthetic-n" size="8" value={n()} onInput={(e) => setN(e.currentTarget.value)} aria-label="points" title="points (up to 1,000,000)" />
        ×
        <input data-testid="synthetic-d" size="4" value={d()} onInput={(e) => setD(e.currentTarget.value)} aria-label="dimensions" title="dimensions" />
        <button type="button" data-testid="open-synthetic" onClick={openSynthetic}>
          Open
        </button>
      </div>
      <form
        class="source-row"
        onSubmit={(e) => {
          e.preventDefault();
          openUrl();
        }}
      >
        <input data-testid="dataset-url" type="url" placeholder="https://…/embeddings.npy" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} />
        <button type="submit">Open URL</button>
      </form>
      <Show when={error()}>{(e) => <p class="error-text">{e()}</p>}</Show>
    </details>
  );
}
