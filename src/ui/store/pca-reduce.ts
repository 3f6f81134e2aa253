// The preflight's PCA option: reduce the loaded rows to k dimensions in the PCA Worker, then put the
// reduced rows in place of the loaded ones, so the next Run fits them; the share of variance the PCA
// kept is told beside them.
import { batch, createSignal } from 'solid-js';
import type { Ingested } from '../../jobs/ingest-client';
import { reduceRows, type PcaRun } from '../../jobs/pca-client';
import type { AppStore } from './app-store';
import type { DataStore } from './data-store';

/** What a finished reduction did, for the rows it produced. */
export interface PcaNote {
  reduced: Ingested;
  fromD: number;
  k: number;
  varianceKept: number;
  seconds: number;
}

export function createPcaReduce(app: AppStore, data: DataStore) {
  const [progress, setProgress] = createSignal<{ k: number; pass: number; passes: number; fraction: number } | null>(null);
  const [note, setNote] = createSignal<PcaNote | null>(null);
  let run: PcaRun | null = null;

  const cancel = () => {
    run?.cancel();
    run = null;
    setProgress(null);
  };

  const start = async (k: number) => {
    const ing = data.input();
    if (!ing || run) return;
    const ds = ing.dataset;
    app.clearError();
    setProgress({ k, pass: 0, passes: 1, fraction: 0 });
    const mine = reduceRows(ds, k, (p) => {
      if (run === mine) setProgress({ k, pass: p.pass, passes: p.passes, fraction: (p.pass + p.rows / p.n) / p.passes });
    });
    run = mine;
    try {
      const out = await mine.result;
      // Another file was loaded meanwhile: these rows are not of the data shown.
      if (run !== mine || data.input() !== ing) return;
      const { coords: _coords, memory: _memory, ...rest } = ds;
      const reduced: Ingested = {
        dataset: { ...rest, data: out.data, d: k, columns: Array.from({ length: k }, (_, i) => `pc${i + 1}`), ...(out.memory ? { memory: out.memory } : {}) },
        categories: ing.categories,
      };
      batch(() => {
        data.accept(reduced, null);
        app.setStatus('idle');
        setNote({ reduced, fromD: ds.d, k, varianceKept: out.varianceKept, seconds: out.seconds });
      });
    } catch (err) {
      if (run === mine) app.fail(err);
    } finally {
      if (run === mine) {
        run = null;
        setProgress(null);
      }
    }
  };

  return {
    /** The reduction under way (its k and share done), or null. */
    progress,
    /** The last reduction's account, while its rows are the data a Run would use. */
    note: () => {
      const n = note();
      return n && n.reduced === data.input() ? n : null;
    },
    start: (k: number) => void start(k),
    cancel,
  };
}

export type PcaReduce = ReturnType<typeof createPcaReduce>;
