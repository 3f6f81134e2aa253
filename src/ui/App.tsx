import { batch, createMemo, createSignal, onCleanup, onMount } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { autoEpochs, resolveParams } from '../engine/params';
import { PHASES } from '../engine/types';
import type { Ingested } from '../jobs/ingest-client';
import { workerMode, type JobProgress } from '../jobs/run-job';
import { Scheduler } from '../jobs/scheduler';
import { installJobsTestHook } from '../jobs/jobs-test-hook';
import { JobsPanel } from './JobsPanel';
import { SettingsPanel } from './SettingsPanel';
import { StoragePanel } from './StoragePanel';
import { ErrorBanner } from './ErrorBanner';
import { FileDrop } from './FileDrop';
import { createIngestSession, relabel, type ReadChoices } from './ingest-session';
import { PasteBox } from './PasteBox';
import { PreviewStep } from './PreviewStep';
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
  const ingest = createIngestSession();
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
  let job: { id: string; cancel(): void } | null = null;
  // Every run goes through the scheduler; the map shows the job last run or chosen in the jobs panel.
  const scheduler = new Scheduler();
  const [shownJob, setShownJob] = createSignal<string | null>(null);
  installJobsTestHook(scheduler);
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

  // Stop following the shown job; it goes on in the jobs panel.
  const detach = () => {
    runId++;
    updates?.cancel();
    updates = null;
    job = null;
    if (status() === 'running') setStatus('idle');
  };

  const cancel = () => {
    const j = job;
    detach();
    j?.cancel();
  };

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
      if (job) setError(messageOf(err));
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
    // Earlier jobs keep running in the scheduler; the view follows the new one.
    detach();
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
    let handle: { id: string; cancel(): void; result: Promise<import('../engine/types').UmapResult> };
    try {
      const jobId = scheduler.submit({ data, n, d }, params, { name: ing.dataset.fileName, categories: ing.categories, ...(ing.dataset.labelName !== undefined ? { labelName: ing.dataset.labelName } : {}) }, {
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
      handle = { id: jobId, cancel: () => scheduler.cancel(jobId), result: scheduler.whenDone(jobId) };
      setShownJob(jobId);
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
  onCleanup(() => scheduler.dispose());

  /** Put a completed job's result on the map (from memory, or from the store after a reload). */
  const showJob = async (id: string) => {
    const r = await scheduler.result(id);
    if (!r) return;
    detach();
    finalCoords = r.embedding;
    const plane = normalizeToUnitSquare(r.embedding, r.nComponents);
    const f: MapFrame = { ...plane, categories: r.rec.categories, final: true };
    if (r.rec.labelName !== undefined) f.labelName = r.rec.labelName;
    batch(() => {
      setShownJob(id);
      setFrame(f);
      setLog(r.log);
      setError(null);
      setStatus('done');
    });
  };
  // Jobs that finish while the map is free (resumed after a reload, or queued earlier) are shown.
  const seenDone = new Set<string>();
  onCleanup(
    scheduler.subscribe(() => {
      for (const j of scheduler.list()) {
        if (j.state !== 'completed' || seenDone.has(j.id)) continue;
        seenDone.add(j.id);
        if (!job && status() !== 'running' && j.interrupted) void showJob(j.id);
      }
    }),
  );

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
