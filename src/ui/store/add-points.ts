// "Add points…" on a finished map: which fit's model the map shown can take points with (or why it
// cannot), reading the new file through its own ingest session (the same preview step, knowing the
// dimension it must have), the transform job that places them, and putting its result on the map.
import { batch, createEffect, createMemo, createRoot, createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { IngestError } from '../../io';
import { messageOf } from '../../io/error-message';
import type { MetaColumn } from '../../io/dataset';
import type { Ingested } from '../../jobs/ingest-client';
import type { TransformJobResult } from '../../jobs/job-protocol';
import { getModel } from '../../jobs/model-store';
import { EMPTY_BATCH, dimensionMismatch } from '../../jobs/transform-messages';
import { getBatchMeta } from '../../jobs/transform-meta-store';
import { frameScheduler } from '../frame-scheduler';
import { createIngestSession, relabel, type ReadChoices } from '../ingest-session';
import { metadataColumns } from '../map/coloring';
import type { ParamsFormState } from '../params-form-model';
import type { PhaseProgress } from '../ProgressPanel';
import type { JobsStore } from './jobs-store';
import { landInLibrary } from './land-in-library';
import type { MapBatch } from './map-batches';
import type { MapStore } from './map-store';
import { createRefit } from './refit';

/** The fit whose model places the points, or why the map shown has none. */
export type AddTarget = { ok: true; parent: string; d: number } | { ok: false; reason: string };

/** The transform running for this map: its job, name and progress. */
export interface AddRun {
  id: string;
  parent: string;
  name: string;
  m: number;
}

/** A batch that landed: its size, clusters found, and why a refit would serve it better. */
export interface LandedBatch {
  name: string;
  m: number;
  clustered: number;
  advice: string[];
  /** The library map it landed in, when that map was not the one shown. */
  inLibrary?: string;
  /** Added to the map shown through its library entry since it was opened (another tab, a job landing meanwhile), and shown here too. */
  elsewhere?: boolean;
}

const clusteredCount = (b: MapBatch) => b.clusters.reduce((c, v) => (v >= 0 ? c + 1 : c), 0);

// The readers' words for a file without data rows: in "add" mode they all mean one thing.
const NO_ROWS = /is empty\.$|has no (data )?rows\.$|has a header row but no data rows\.$|there are no values to map\.$/;

/** `form`: the parameter form, for a refit of a map whose run's own form is gone (after a reload). */
export function createAddPoints(map: MapStore, jobs: JobsStore, form: ParamsFormState) {
  const scheduler = jobs.scheduler;
  // A batch may be a single point: the readers' two-row minimum is a fit's, not a transform's.
  const ingest = createIngestSession({ minRows: 1 });
  const [open, setOpen] = createSignal(false);
  const [input, setInput] = createSignal<Ingested | null>(null);
  const [reading, setReading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [running, setRunning] = createSignal<AddRun | null>(null);
  const [progress, setProgress] = createStore<PhaseProgress>({});
  const [landed, setLanded] = createSignal<LandedBatch | null>(null);
  // Bumped on every job change, so the target follows the parent job's state.
  const [jobsSeen, setJobsSeen] = createSignal(0);
  // Whether each fit job keeps a model in IndexedDB (undefined: being looked up).
  const [models, setModels] = createSignal<Record<string, boolean>>({});
  const landedIds = new Set<string>();
  // Where each batch's rows are, for a refit: its transform job, and the rows read, while in memory.
  const sources = new WeakMap<MapBatch, { jobId: string; ing: Ingested | null }>();

  const parentId = () => map.origin().jobId ?? null;
  createEffect(() => {
    const id = parentId();
    jobsSeen();
    const j = id ? scheduler.get(id) : null;
    if (!id || j?.state !== 'completed' || models()[id] !== undefined) return;
    void getModel(id).then(
      (m) => setModels((all) => ({ ...all, [id]: !!m })),
      () => setModels((all) => ({ ...all, [id]: false })),
    );
  });

  const target = createMemo<AddTarget>(() => {
    jobsSeen();
    const f = map.frame();
    if (!f?.final || !map.coords()) return { ok: false, reason: 'Adding points needs a finished map.' };
    const id = parentId();
    if (!id) return { ok: false, reason: 'This map keeps no fitted model (it was opened from a file, not fitted here): run it to add points to it.' };
    const j = scheduler.get(id);
    if (!j || (j.kind ?? 'fit') !== 'fit') return { ok: false, reason: 'The job this map came from is no longer stored, and with it the fitted model: run it again to add points.' };
    if (j.elsewhere) return { ok: false, reason: 'The job this map came from is in use in another tab.' };
    if (j.state !== 'completed') return { ok: false, reason: 'Points can be added once the map has finished.' };
    const kept = models()[id];
    if (kept === undefined) return { ok: false, reason: 'Looking for the fitted model…' };
    if (!kept) return { ok: false, reason: 'This map was fitted without storage, so it keeps no model to add points with: run it again to add points.' };
    return { ok: true, parent: id, d: j.d };
  });

  /** What stops the file read from being added; null when it can be. */
  const refusal = (): string | null => {
    const t = target();
    const ing = input();
    if (!t.ok || !ing) return error();
    if (ing.dataset.n < 1) return EMPTY_BATCH;
    if (ing.dataset.d !== t.d) return dimensionMismatch(ing.dataset.d, t.d);
    return error();
  };

  const read = async (files: File[], choices: ReadChoices = {}) => {
    batch(() => {
      setInput(null);
      setError(null);
      setReading(true);
    });
    try {
      setInput(await ingest.read(files, choices));
    } catch (err) {
      const msg = messageOf(err);
      setError(err instanceof IngestError && NO_ROWS.test(msg) ? `${EMPTY_BATCH} (${msg})` : msg);
    } finally {
      setReading(false);
    }
  };

  /** Wait until the map of `parent` is clustered (a batch takes its clusters from the fitted points'), or another map is shown. */
  const clustered = (parent: string) =>
    new Promise<void>((resolve) =>
      createRoot((dispose) => {
        createEffect(() => {
          const c = map.clustering.clusters();
          if ((c?.final && c.labels.length === map.n()) || map.origin().jobId !== parent) {
            dispose();
            resolve();
          }
        });
      }),
    );

  /**
   * A placed batch goes on the map its fit made: on screen when that map is shown, else into its
   * library entry, so the map opens with it later. `metadata`: its rows' columns (stored with the job).
   */
  const land = async (id: string, res: TransformJobResult, name: string, ing: Ingested | null, metadata: MetaColumn[]) => {
    if (landedIds.has(id)) return;
    landedIds.add(id);
    if (map.origin().jobId === res.parent) await clustered(res.parent);
    try {
      if (map.origin().jobId !== res.parent) {
        const kept = await landInLibrary(res, name, metadata, id);
        if (kept) setLanded({ name: kept.batch.name, m: kept.batch.m, clustered: clusteredCount(kept.batch), advice: kept.batch.advice, inLibrary: kept.mapName });
        return;
      }
      const b = map.addBatch(res, name, metadata, id);
      sources.set(b, { jobId: id, ing });
      setLanded({ name: b.name, m: b.m, clustered: clusteredCount(b), advice: b.advice });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  /** A transform's batch name and columns as stored with it (a job that lands after a reload, or from another tab). */
  const storedMeta = async (id: string, name: string) => {
    const kept = await getBatchMeta(id).catch(() => null);
    return kept ?? { name, metadata: [] };
  };

  /** Submit the file read as a transform job of the map's fit; its progress shows until it lands. */
  const confirm = () => {
    const t = target();
    const ing = input();
    if (!t.ok || !ing || refusal()) return;
    const { data, n, d, memory } = ing.dataset;
    const name = ing.dataset.fileName;
    const metadata = metadataColumns(ing.dataset);
    let latest: PhaseProgress = {};
    const updates = frameScheduler(() => {
      setProgress(reconcile({ ...progress, ...latest }));
      latest = {};
    });
    let id: string;
    try {
      id = scheduler.submitTransform(
        t.parent,
        memory ? { data, n, d, memory } : { data, n, d },
        { name, metadata },
        {
          onProgress: (p) => {
            latest[p.phase] = p;
            updates.request();
          },
        },
      );
    } catch (err) {
      return setError(messageOf(err));
    }
    batch(() => {
      setProgress(reconcile({}));
      setRunning({ id, parent: t.parent, name, m: n });
      setLanded(null);
      setInput(null);
      setOpen(false);
    });
    const settle = () => {
      updates.cancel();
      if (running()?.id === id) setRunning(null);
    };
    scheduler.whenTransformDone(id).then(
      (res) => {
        settle();
        void land(id, res, name, ing, metadata);
      },
      (err: unknown) => {
        settle();
        // A cancel is the user's own doing; a failure says why.
        if (scheduler.get(id)) setError(messageOf(err));
      },
    );
  };

  // A transform that finishes here without this tab having submitted it (resumed after a reload, or
  // taken over from a closed tab) lands too, with the name and columns stored with it.
  const unfinished = new Set<string>();
  onCleanup(
    scheduler.subscribe(() => {
      setJobsSeen((v) => v + 1);
      for (const j of scheduler.list()) {
        if (j.kind !== 'transform' || j.elsewhere) continue;
        if (j.state !== 'completed') unfinished.add(j.id);
        else if (unfinished.delete(j.id) && j.interrupted && !landedIds.has(j.id))
          void Promise.all([scheduler.transformResult(j.id), storedMeta(j.id, j.name)]).then(([res, meta]) => res && land(j.id, res, meta.name, null, meta.metadata));
      }
    }),
  );

  /** The rows of one added batch: still in memory, else its transform job's stored rows (a batch reopened from the library: the job with its parent, name and size). */
  const batchRows = async (b: MapBatch) => {
    const src = sources.get(b);
    if (src?.ing) return src.ing.dataset;
    const parent = map.origin().jobId;
    const jobId = src?.jobId ?? scheduler.list().find((j) => j.kind === 'transform' && j.parent === parent && j.state === 'completed' && j.name === b.name && j.n === b.m)?.id;
    return jobId ? scheduler.storedRows(jobId) : null;
  };
  const refit = createRefit({
    coords: map.coords,
    batches: () => map.batches.batches(),
    async fitted() {
      const shown = map.input();
      const base = jobs.rerunBase();
      if (base) return base.ing;
      const parent = map.origin().jobId;
      const rows = parent ? await scheduler.storedRows(parent) : null;
      return shown && rows ? { ...shown, dataset: { ...shown.dataset, data: rows.data, n: rows.n, d: rows.d } } : null;
    },
    async batchRows() {
      const rows = await Promise.all(map.batches.batches().map(batchRows));
      return rows.filter((r): r is NonNullable<typeof r> => r !== null);
    },
    run: (ing, warm) => jobs.run(ing, { ...(jobs.rerunBase()?.form ?? form) }, null, warm),
    fail: (e) => setError(messageOf(e)),
  });

  return {
    /** "Refit with all points": a new fit of the map's rows and every batch's, from their current positions. */
    refitWithAll: refit.refitWithAll,
    refitBusy: refit.busy,
    ingest,
    target,
    open,
    /** Show or hide the add-points step (the file chooser and its preview). */
    toggle() {
      if (!target().ok) return;
      batch(() => {
        setOpen((v) => !v);
        setError(null);
      });
    },
    close: () => setOpen(false),
    input,
    reading,
    refusal,
    read,
    reread: (choices: ReadChoices) => {
      const files = ingest.files();
      if (files) void read(files, choices);
    },
    relabel(column: string | null) {
      const ing = input();
      if (ing) setInput(relabel(ing, column));
    },
    confirm,
    running,
    progress,
    landed,
    dismissLanded: () => setLanded(null),
    /** Batches that reached the map shown through its library entry (library-follow.ts): say so. */
    arrived(list: MapBatch[]) {
      const m = list.reduce((sum, b) => sum + b.m, 0);
      const clustered = list.reduce((sum, b) => sum + clusteredCount(b), 0);
      setLanded({ name: list.map((b) => b.name).join(', '), m, clustered, advice: [], elsewhere: true });
    },
  };
}

export type AddPoints = ReturnType<typeof createAddPoints>;
