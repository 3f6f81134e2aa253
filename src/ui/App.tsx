import { batch, createMemo, createSignal, onCleanup, onMount } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { autoEpochs, resolveParams } from '../engine/params';
import { PHASES } from '../engine/types';
import { ingestFiles, ingestUrls, type Ingested } from '../jobs/ingest-client';
import { runJob, workerMode, type JobHandle, type JobProgress } from '../jobs/run-job';
import { ErrorBanner } from './ErrorBanner';
import { FileDrop } from './FileDrop';
import { formatCount, formatSeconds } from './format';
import { frameScheduler, type FrameScheduler } from './frame-scheduler';
import { JobLog } from './JobLog';
import { normalizeToUnitSquare } from './normalize';
import { ParamsForm } from './ParamsForm';
import { DEFAULT_FORM, readParams, type ParamsFormState } from './params-form-model';
import { ProgressPanel, type PhaseProgress } from './ProgressPanel';
import type { MapFrame } from './ScatterMap';
import type { MapFile } from '../export/map-file';
import type { LinkSource } from '../share/link';
import { loadLinkSource } from '../share/load-source';
import { linkFromLocation, mapFileIngested, mapFileResult, readMapFile } from './map/app-bridge';
import { Explorer, type ExplorerInitial, type MapResult, type ShareState } from './map/Explorer';
import { SourcePicker } from './map/SourcePicker';
import { StoredMapButton } from './map/StoredMapButton';
import { installTestHook, type AppStatus } from './test-hook';

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
  const [dataFile, setDataFile] = createSignal<File | null>(null);
  const [form, setForm] = createStore<ParamsFormState>({ ...DEFAULT_FORM });
  const [phases, setPhases] = createStore<PhaseProgress>({});
  const [elapsed, setElapsed] = createSignal<number | null>(null);
  const [log, setLog] = createSignal<string[]>([]);
  const [frame, setFrame] = createSignal<MapFrame | null>(null);
  const [summary, setSummary] = createSignal<string | null>(null);
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
  let job: JobHandle | null = null;
  let updates: FrameScheduler | null = null;
  // Bumped on every new run or cancel so callbacks from a superseded job are ignored.
  let runId = 0;

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

  const cancel = () => {
    runId++;
    updates?.cancel();
    updates = null;
    job?.cancel();
    job = null;
    if (status() === 'running') setStatus('idle');
  };

  const load = async (what: string, fn: () => Promise<Ingested>, files: File[] | null): Promise<boolean> => {
    batch(() => {
      setLoading(`Reading ${what}…`);
      setError(null);
    });
    try {
      const ing = await fn();
      // Only a file that parsed replaces the data a running job works on.
      cancel();
      batch(() => {
        setInput(ing);
        if (files) setDataFile(files.find((f) => f.name === ing.dataset.fileName) ?? files[0] ?? null);
        else setDataFile(null);
        setStatus('idle');
      });
      return true;
    } catch (err) {
      // The previous dataset, map and any running job stay as they were.
      if (job) setError(messageOf(err));
      else fail(err);
      return false;
    } finally {
      setLoading(null);
    }
  };

  const loadFiles = (files: File[]) => void load(files.map((f) => f.name).join(' + '), () => ingestFiles(files), files);
  // A map file opens as it was saved; anything else is data to ingest.
  const onFiles = (files: File[]) => void readMapFile(files).then((m) => (m ? showMap(m) : loadFiles(files)), fail);

  /** Show a saved map (file or browser storage) as it was, without recomputing. */
  const showMap = (m: MapFile) => {
    cancel();
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

  const onLabelsFile = (labels: File) => {
    const data = dataFile();
    if (!data) return;
    void load(`${data.name} + ${labels.name}`, () => ingestFiles([data, labels]), [data, labels]);
  };

  const loadDemo = async () => {
    if (await load('the digits demo', () => ingestUrls(DIGITS_DEMO), null)) {
      const ing = input();
      if (ing) linkSources.set(ing, { kind: 'digits' });
      run();
    }
  };

  const run = () => {
    const ing = input();
    if (!ing) {
      fail(new Error('Choose a file (or the digits demo) first.'));
      return;
    }
    const { data, n, d } = ing.dataset;
    let params;
    try {
      params = readParams(form);
      // Same validation the engine applies, done here so bad parameters fail before any worker starts.
      resolveParams(params, n);
    } catch (err) {
      // A running job is left alone: only a valid new run replaces it.
      if (job) setError(messageOf(err));
      else fail(err);
      return;
    }
    cancel();
    setShare({ source: linkSources.get(ing) ?? null, params: { ...form } });
    const id = ++runId;
    // Progress and previews travel on their own message port, so a few can land after the result:
    // once the result is in, they are stale and must not overwrite the final map or the bars.
    let finished = false;
    const live = () => id === runId && !finished;
    batch(() => {
      setError(null);
      setStatus('running');
      setPhases(reconcile({}));
      setElapsed(0);
      setLog([]);
      setSummary(null);
    });
    // Callbacks only record the latest state; the screen catches up once per animation frame.
    const latest: PhaseProgress = {};
    const newLines: string[] = [];
    let preview: { coords: Float32Array; nComponents: number } | null = null;
    const frameUpdates = frameScheduler(() => {
      if (!live()) return;
      batch(() => {
        let last: JobProgress | undefined;
        for (const phase of PHASES) {
          const p = latest[phase];
          if (!p) continue;
          setPhases(phase, p);
          last = p;
          delete latest[phase];
        }
        if (last) setElapsed(last.elapsedS);
        if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
        if (preview) showCoords(preview.coords, preview.nComponents, ing, false);
        preview = null;
      });
    });
    updates = frameUpdates;
    let handle: JobHandle;
    try {
      handle = runJob({ data, n, d }, params, {
        onProgress: (p) => {
          if (!live()) return;
          latest[p.phase] = p;
          frameUpdates.request();
        },
        onLog: (line) => {
          if (!live()) return;
          newLines.push(line);
          frameUpdates.request();
        },
        onPreview: (coords, nComponents) => {
          if (!live()) return;
          preview = { coords, nComponents };
          frameUpdates.request();
        },
      });
    } catch (err) {
      fail(err);
      return;
    }
    job = handle;
    handle.result.then(
      (res) => {
        if (!live()) return;
        finished = true;
        frameUpdates.cancel();
        job = null;
        finalCoords = res.embedding;
        const t = res.timings;
        const total = t.knn + t.graph + t.init + t.layout;
        batch(() => {
          showCoords(res.embedding, res.nComponents, ing, true);
          // The result's log is the job's full account; lines still waiting for a frame are in it too.
          if (res.log.length > 0) setLog(res.log);
          else if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
          for (const phase of PHASES) {
            const p = phases[phase];
            if (p) setPhases(phase, { done: p.total, etaS: 0, phaseElapsedS: t[phase] });
          }
          const epochs = res.params.nEpochs ?? autoEpochs(res.n);
          setPhases('layout', { phase: 'layout', done: epochs, total: epochs, unit: 'epochs', elapsedS: total, etaS: 0, phaseElapsedS: t.layout });
          setElapsed(total);
          setSummary(
            `${formatCount(res.n)} points in ${formatSeconds(total)} — kNN ${formatSeconds(t.knn)}, graph ${formatSeconds(t.graph)}, init ${formatSeconds(t.init)}, layout ${formatSeconds(t.layout)}`,
          );
          setStatus('done');
        });
      },
      (err) => {
        if (!live()) return;
        finished = true;
        frameUpdates.cancel();
        job = null;
        // The job's last log lines often explain the failure.
        if (newLines.length > 0) setLog((lines) => [...lines, ...newLines.splice(0)]);
        fail(err);
      },
    );
  };

  onCleanup(() => cancel());

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
          </section>
          <ParamsForm form={form} setForm={setForm} disabled={running()} />
          <div class="actions">
            <button type="button" class="primary" data-testid="run" disabled={!input() || !!loading()} onClick={run}>
              {running() ? 'Restart' : 'Run'}
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
