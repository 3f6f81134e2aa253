// The data a Run would use: what was read and how (the ingest session), the parameter form, and
// which data came from a linkable source (a demo, a generator, a public URL; never a local file).
import { batch, createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { Ingested } from '../../jobs/ingest-client';
import type { LinkSource } from '../../share/link';
import { createIngestSession, relabel } from '../ingest-session';
import { DEFAULT_FORM, type ParamsFormState } from '../params-form-model';

export function createDataStore() {
  const ingest = createIngestSession();
  const [input, setInput] = createSignal<Ingested | null>(null);
  // The data file of the last read (labels given later as a second file are read with it).
  const [dataFile, setDataFile] = createSignal<File | null>(null);
  const [loading, setLoading] = createSignal<string | null>(null);
  const [form, setForm] = createStore<ParamsFormState>({ ...DEFAULT_FORM });
  const sources = new WeakMap<Ingested, LinkSource>();

  return {
    ingest,
    input,
    dataFile,
    /** What is being read ("Reading x…"), or null. */
    loading,
    form,
    setParam<K extends keyof ParamsFormState>(key: K, value: ParamsFormState[K]) {
      setForm(key, value);
    },
    /** Fill the form from a link (fields it does not name keep their values). */
    setParams(params: Partial<ParamsFormState>) {
      batch(() => {
        for (const [k, v] of Object.entries(params) as [keyof ParamsFormState, string][]) setForm(k, v as never);
      });
    },
    startReading(what: string) {
      setLoading(`Reading ${what}…`);
    },
    doneReading() {
      setLoading(null);
    },
    /** Data that parsed replaces the data a Run would use. */
    accept(ing: Ingested, files: File[] | null) {
      batch(() => {
        setInput(ing);
        setDataFile(files ? (files.find((f) => f.name === ing.dataset.fileName) ?? files[0] ?? null) : null);
      });
    },
    /** Colour by another metadata column (or none): done on the page, no re-read needed. */
    relabel(column: string | null) {
      const ing = input();
      if (ing) setInput(relabel(ing, column));
    },
    sourceOf: (ing: Ingested): LinkSource | null => sources.get(ing) ?? null,
    /** These data came from a linkable source, so maps of them get a share link. */
    linkable(ing: Ingested, source: LinkSource) {
      sources.set(ing, source);
    },
  };
}

export type DataStore = ReturnType<typeof createDataStore>;
