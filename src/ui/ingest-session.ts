import { createSignal } from 'solid-js';
import { applyLabelColumn, encodeCategories, IngestError, type ParseProgress, type PreviewInfo } from '../io';
import { ingestFiles, ingestUrls, type Ingested, type WireOptions } from '../jobs/ingest-client';

export type ReadChoices = Pick<WireOptions, 'dropBadRows' | 'maxDim' | 'delimiter' | 'header' | 'vectorField'>;

/**
 * The state of reading the user's files: live progress and preview while the ingest Worker parses,
 * the files and choices of the last read (so a changed choice re-reads the same files), and the
 * count of bad rows when a read stopped at them. `fixed`: options every read of this session takes
 * (the add-points session reads one-row files, which a fit refuses).
 */
export function createIngestSession(fixed: Pick<WireOptions, 'minRows'> = {}) {
  const [progress, setProgress] = createSignal<ParseProgress | null>(null);
  const [preview, setPreview] = createSignal<PreviewInfo | null>(null);
  const [badRows, setBadRows] = createSignal(0);
  // The last read's error, so the preview describes the file that failed (its bad row, no stale count).
  const [failure, setFailure] = createSignal<IngestError | Error | null>(null);
  const [choices, setChoices] = createSignal<ReadChoices>({});
  const [files, setFiles] = createSignal<File[] | null>(null);

  const onEvent = (e: ({ type: 'progress' } & ParseProgress) | ({ type: 'preview' } & PreviewInfo)) => {
    if (e.type === 'progress') setProgress(e);
    else setPreview(e);
  };

  const track = async (run: () => Promise<Ingested>): Promise<Ingested> => {
    setProgress(null);
    setPreview(null);
    setBadRows(0);
    setFailure(null);
    try {
      return await run();
    } catch (err) {
      if (err instanceof IngestError && err.badRows) setBadRows(err.badRows);
      setFailure(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  };

  return {
    progress,
    preview,
    badRows,
    failure,
    choices,
    files,
    /** Read files with the given choices (new files start from the detected defaults). */
    read(list: File[], next: ReadChoices = {}): Promise<Ingested> {
      setFiles(list);
      setChoices(next);
      return track(() => ingestFiles(list, { ...next, ...fixed }, onEvent));
    },
    readUrls(urls: { url: string; name: string }[]): Promise<Ingested> {
      setFiles(null);
      setChoices({});
      return track(() => ingestUrls(urls, { ...fixed }, onEvent));
    },
  };
}

export type IngestSession = ReturnType<typeof createIngestSession>;

/** Colour by another metadata column (or none): done on the page, no re-read needed. */
export function relabel(ing: Ingested, column: string | null): Ingested {
  const dataset = applyLabelColumn(ing.dataset, column);
  return { dataset, categories: dataset.labels ? encodeCategories(dataset.labels) : null };
}
