// What the page's data controls do: read files, the demo, a link's data or a map file, and run what
// was read. Each flow spans the stores (data, map, jobs, status), so it lives here, not in one of them.
import { batch } from 'solid-js';
import type { MapFile } from '../../export/map-file';
import type { SaveOrigin } from '../../jobs/map-library';
import type { Ingested } from '../../jobs/ingest-client';
import type { MapLink } from '../../share/link';
import { loadLinkSource } from '../../jobs/load-source';
import { hashInput } from '../../jobs/input-hash';
import type { ReadChoices } from '../ingest-session';
import { precomputedMapFile, readMapFile } from '../map/app-bridge';
import type { AppStore } from './app-store';
import type { DataStore } from './data-store';
import type { JobsStore } from './jobs-store';
import type { MapStore } from './map-store';

const DIGITS_DEMO = [
  { url: './demo/digits/digits.npy', name: 'digits.npy' },
  { url: './demo/digits/digits.labels.npy', name: 'digits.labels.npy' },
];

/** The share link the page was opened with, or what is wrong with it. */
export interface BootLink {
  link: MapLink | null;
  error: string | null;
}

export function createPageActions(app: AppStore, data: DataStore, map: MapStore, jobs: JobsStore, boot: BootLink) {
  /** Read data; only data that parsed replace what is shown, and a running job goes on in the jobs panel. */
  /** `urls`: the same-origin files read, when not `files` (their bytes are hashed for the record). */
  const load = async (what: string, read: () => Promise<Ingested>, files: File[] | null, urls?: { url: string; name: string }[]): Promise<Ingested | null> => {
    batch(() => {
      data.startReading(what);
      app.clearError();
    });
    try {
      const ing = await read();
      // Its SHA-256 for exports' reproducibility records, hashed beside the job in a Worker.
      if (files) hashInput(ing.dataset.data, { files });
      else if (urls) hashInput(ing.dataset.data, { urls });
      jobs.detach();
      batch(() => {
        data.accept(ing, files);
        app.setStatus('idle');
      });
      return ing;
    } catch (err) {
      // The previous dataset, map and any running job stay as they were.
      if (jobs.following()) app.warn(err);
      else app.fail(err);
      return null;
    } finally {
      data.doneReading();
    }
  };

  const loadFiles = (files: File[], choices?: ReadChoices) => void load(files.map((f) => f.name).join(' + '), () => data.ingest.read(files, choices), files);

  const run = () => {
    const ing = data.input();
    jobs.run(ing, data.form, ing ? data.sourceOf(ing) : null);
  };

  /** Show a saved map (file or the library) as it was, without recomputing; `from`: its library entry; `ing`: a precomputed map's dataset. */
  const openMap = (m: MapFile, from?: SaveOrigin, ing?: Ingested) => {
    jobs.detach();
    batch(() => {
      map.open(m, from, ing);
      app.clearError();
      app.setStatus('done');
    });
  };

  return {
    run,
    /** The preflight's GPU option: the same run, forced onto WebGPU. */
    runOnGpu() {
      const ing = data.input();
      jobs.run(ing, data.form, ing ? data.sourceOf(ing) : null, undefined, 'webgpu');
    },
    cancel: () => jobs.cancel(),
    openMap: (m: MapFile, from?: SaveOrigin) => openMap(m, from),
    /** The data read carry their own map (x/y, umap_1/umap_2… or an (n, 2) array): show it as it is. */
    openAsMap() {
      const ing = data.input();
      const m = ing && precomputedMapFile(ing);
      if (m) openMap(m, undefined, ing);
    },
    /** Dropped or picked files: a map file opens as it was saved; anything else is data to read. */
    openFiles(files: File[]) {
      void readMapFile(files).then(
        (m) => (m ? openMap(m) : loadFiles(files)),
        (err: unknown) => app.fail(err),
      );
    },
    /** A labels .npy for the data file already read: both are read again together. */
    addLabels(labels: File) {
      const file = data.dataFile();
      if (file) loadFiles([file, labels]);
    },
    /** The same files again with a changed choice (delimiter, vector field, drop bad rows…). */
    reread(choices: ReadChoices) {
      const files = data.ingest.files();
      if (files) loadFiles(files, choices);
    },
    async loadDemo() {
      const ing = await load('the digits demo', () => data.ingest.readUrls(DIGITS_DEMO), null, DIGITS_DEMO);
      if (!ing) return;
      data.linkable(ing, { kind: 'digits' });
      run();
    },
    /** A share link in the URL: fill the form from it, fetch or generate its data, and run. */
    async startFromLink() {
      if (boot.error) return app.fail(new Error(boot.error));
      const link = boot.link;
      if (!link) return;
      data.setParams(link.params);
      const ing = await load('the linked data', () => loadLinkSource(link.source), null);
      if (!ing) return;
      data.linkable(ing, link.source);
      run();
    },
  };
}

export type PageActions = ReturnType<typeof createPageActions>;
