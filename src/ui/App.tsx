import { batch, createMemo, createSignal, onMount } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { Ingested } from '../jobs/ingest-client';
import { workerMode } from '../jobs/run-job';
import { JobsPanel } from './JobsPanel';
import { SettingsPanel } from './SettingsPanel';
import { StoragePanel } from './StoragePanel';
import { ErrorBanner } from './ErrorBanner';
import { FileDrop } from './FileDrop';
import { createIngestSession, relabel, type ReadChoices } from './ingest-session';
import { PasteBox } from './PasteBox';
import { PreviewStep } from './PreviewStep';
import { formatCount } from './format';
import { JobLog } from './JobLog';
import { normalizeToUnitSquare } from './normalize';
import { ParamsForm } from './ParamsForm';
import { DEFAULT_FORM, type ParamsFormState } from './params-form-model';
import { ProgressPanel } from './ProgressPanel';
import type { MapFrame } from './ScatterMap';
import type { MapFile } from '../export/map-file';
import type { LinkSource } from '../share/link';
import { loadLinkSource } from '../share/load-source';
import { linkFromLocation, mapFileIngested, mapFileResult, readMapFile } from './map/app-bridge';
import { Explorer, type ExplorerInitial, type MapResult, type ShareState } from './map/Explorer';
import { SourcePicker } from './map/SourcePicker';
import { StoredMapButton } from './map/StoredMapButton';
import { installTestHook, type AppStatus } from './test-hook';
import { useJobs } from './use-jobs';

const DIGITS_DEMO = [
  { url: './demo/digits/digits.npy', name: 'digits.npy' },
  { url: './demo/digits/digits.labels.npy', name: 'digits.labels.npy' },
];

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function App() {
  const [status, setStatus] = createSignal<AppStatus>('idle');
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal<string | null>(null);
  const [input, setInput] = createSignal<Ingested | null>(null);
  const ingest = createIngestSession();
  const [dataFile, setDataFile] = createSignal<File | null>(null);
  const [form, setForm] = createStore<ParamsFormState>({ ...DEFAULT_FORM });
  const [frame, setFrame] = createSignal<MapFrame | null>(null);
  let finalCoords: Float32Array | null = null;
  // Map explorer state: which data came from a linkable source (demo, generator, public URL; never
  // a local file), and maps opened from map files.
  const linkSources = new WeakMap<Ingested, LinkSource>();
  const [share, setShare] = createSignal<ShareState>({ source: null, params: null });
  const [opened, setOpened] = createSignal<{ frame: MapFrame; ing: Ingested; result: MapResult } | null>(null);
  const boot = linkFromLocation();
  const explorerInitial: ExplorerInitial = {};
  if (boot.link?.view) explorerInitial.view = boot.link.view;
  if (boot.link?.color) explorerInitial.color = boot.link.color;
  if (boot.link?.minClusterSize) explorerInitial.minClusterSize = boot.link.minClusterSize;

  const fail = (err: unknown) => {
    batch(() => {
      setError(messageOf(err));
      setStatus('error');
    });
  };

  const showCoords = (coords: Float32Array, nComponents: number, ing: Ingested, final: boolean) => {
    const plane = normalizeToUnitSquare(coords, nComponents);
    const f: MapFrame = { ...plane, categories: ing.categories, final };
    if (ing.dataset.labelName !== undefined) f.labelName = ing.dataset.labelName;
    setFrame(f);
  };

  const jobs = useJobs({
    status,
    setStatus,
    setError,
    fail,
    input,
    form,
    onRunStart: (ing) => setShare({ source: linkSources.get(ing) ?? null, params: { ...form } }),
    showCoords,
    setFinalCoords: (coords) => {
      finalCoords = coords;
    },
    setFrame,
  });
  const { scheduler, phases, elapsed, log, summary, shownJob, run, cancel, detach, showJob } = jobs;

  installTestHook({
    get status() {
      return status();
    },
    get points() {
      return frame()?.x.length ?? 0;
    },
    coords: () => finalCoords,
    get lastError() {
      return error();
    },
  });

  const load = async (what: string, fn: () => Promise<Ingested>, files: File[] | null): Promise<boolean> => {
    batch(() => {
      setLoading(`Reading ${what}…`);
      setError(null);
    });
    try {
      const ing = await fn();
      // Only a file that parsed replaces the data shown; a running job goes on in the jobs panel.
      detach();
      batch(() => {
        setInput(ing);
        if (files) setDataFile(files.find((f) => f.name === ing.dataset.fileName) ?? files[0] ?? null);
        else setDataFile(null);
        setStatus('idle');
      });
      return true;
    } catch (err) {
      // The previous dataset, map and any running job stay as they were.
      if (jobs.following()) setError(messageOf(err));
      else fail(err);
      return false;
    } finally {
      setLoading(null);
    }
  };

  const loadFiles = (files: File[]) => void load(files.map((f) => f.name).join(' + '), () => ingest.read(files), files);
  // A map file opens as it was saved; anything else is data to ingest.
  const onFiles = (files: File[]) => void readMapFile(files).then((m) => (m ? showMap(m) : loadFiles(files)), fail);

  /** Show a saved map (file or browser storage) as it was, without recomputing. */
  const showMap = (m: MapFile) => {
    detach();
    finalCoords = m.coords;
    const ing = mapFileIngested(m);
    const f: MapFrame = { ...normalizeToUnitSquare(m.coords, m.nComponents), categories: ing.categories, final: true };
    if (ing.dataset.labelName !== undefined) f.labelName = ing.dataset.labelName;
    batch(() => {
      setOpened({ frame: f, ing, result: mapFileResult(m) });
      setShare({ source: null, params: null });
      setFrame(f);
      setError(null);
      setStatus('done');
    });
  };
  const shownOpened = () => {
    const o = opened();
    return o && o.frame === frame() ? o : null;
  };
  const mapResult = createMemo<MapResult | null>(() => {
    const f = frame();
    const o = shownOpened();
    if (o) return o.result;
    if (!f?.final || !finalCoords) return null;
    const s = share();
    return { coords: finalCoords, nComponents: finalCoords.length / f.x.length, params: { ...(s.params ?? {}) }, name: input()?.dataset.fileName ?? 'map' };
  });

  // A share link in the URL: fill the form from it, fetch or generate its data, and run.
  onMount(() => {
    if (boot.error) return fail(new Error(boot.error));
    const link = boot.link;
    if (!link) return;
    for (const [k, v] of Object.entries(link.params)) setForm(k as keyof ParamsFormState, v as never);
    void load('the linked data', () => loadLinkSource(link.source), null).then((ok) => {
      const ing = input();
      if (!ok || !ing) return;
      linkSources.set(ing, link.source);
      run();
    });
  });

  const onLabelsFile = (labels: File) => {
    const data = dataFile();
    if (!data) return;
    void load(`${data.name} + ${labels.name}`, () => ingest.read([data, labels]), [data, labels]);
  };

  /** The same files again with a changed choice (delimiter, vector field, drop bad rows…). */
  const reread = (choices: ReadChoices) => {
    const files = ingest.files();
    if (files) void load(files.map((f) => f.name).join(' + '), () => ingest.read(files, choices), files);
  };

  const loadDemo = async () => {
    if (await load('the digits demo', () => ingest.readUrls(DIGITS_DEMO), null)) {
      const ing = input();
      if (ing) linkSources.set(ing, { kind: 'digits' });
      run();
    }
  };

  const running = () => status() === 'running';
  const datasetLine = () => {
    const ing = input();
    if (!ing) return null;
    const ds = ing.dataset;
    const labels = ds.labels ? (ing.categories ? `, ${ing.categories.names.length} label values` : ', labels (too many distinct values to colour)') : '';
    return `${ds.fileName}: ${formatCount(ds.n)} × ${formatCount(ds.d)}${labels}`;
  };

  return (
    <div class="app">
      <header class="app-header">
        <h1>mapstream</h1>
        <p class="tagline">UMAP maps of your embeddings, computed in your browser. Nothing is uploaded.</p>
      </header>
      <ErrorBanner message={error()} onDismiss={() => setError(null)} />
      <div class="layout">
        <aside class="sidebar">
          <section class="data">
            <h2>Data</h2>
            <FileDrop onFiles={onFiles} onLabelsFile={onLabelsFile} canAddLabels={!!dataFile() && dataFile()!.name.toLowerCase().endsWith('.npy')} />
            <button type="button" class="demo" data-testid="demo-digits" onClick={() => void loadDemo()}>
              Load digits demo (1,797 × 64)
            </button>
            <SourcePicker form={form} />
            <StoredMapButton onOpen={showMap} onError={(msg) => setError(msg)} />
            <p class="dataset" data-testid="dataset">
              {loading() ?? datasetLine() ?? 'No data loaded.'}
            </p>
            <PreviewStep
              session={ingest}
              ingested={input()}
              loading={!!loading()}
              nNeighbors={Number(form.nNeighbors) || 15}
              shared={workerMode() === 'shared'}
              onReread={reread}
              onLabelColumn={(name) => {
                const ing = input();
                if (ing) setInput(relabel(ing, name));
              }}
            />
            <PasteBox disabled={!!loading()} onFile={(f) => onFiles([f])} />
          </section>
          <ParamsForm form={form} setForm={setForm} disabled={running()} />
          <div class="actions">
            <button type="button" class="primary" data-testid="run" disabled={!input() || !!loading()} onClick={run}>
              {running() ? 'Run another' : 'Run'}
            </button>
            <button type="button" data-testid="cancel" disabled={!running()} onClick={cancel}>
              Cancel
            </button>
          </div>
          <ProgressPanel phases={phases} running={running()} elapsedS={elapsed()} />
          <p class="summary" data-testid="summary">
            {summary()}
          </p>
          <JobLog lines={log()} />
          <JobsPanel scheduler={scheduler} shownId={shownJob()} onShow={(id) => void showJob(id)} />
          <SettingsPanel settings={scheduler.settings} onChange={(s) => scheduler.updateSettings(s)} />
          <StoragePanel scheduler={scheduler} />
          <p class="mode" data-testid="worker-mode">
            {workerMode() === 'shared'
              ? 'Workers share one copy of the data (cross-origin isolated page).'
              : 'Workers get their own copy of the data (page is not cross-origin isolated).'}
          </p>
        </aside>
        <main class="main">
          <Explorer frame={frame()} input={shownOpened()?.ing ?? input()} result={mapResult()} share={share()} initial={explorerInitial} />
        </main>
      </div>
    </div>
  );
}
