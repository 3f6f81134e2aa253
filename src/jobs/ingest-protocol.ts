// The ingest Worker's protocol (workers/ingest.worker.ts): files or URLs in, a parsed dataset out,
// progress and preview events on the way.
import type { Categories, Dataset, IngestErrorInfo, IngestOptions, ParseProgress, PreviewInfo } from '../io';
import type { WireDataset } from './packed-strings';

/**
 * A parsed dataset plus label codes for colouring (null without labels or with too many distinct ones).
 * On a cross-origin isolated page `dataset.memory` is the shared wasm Memory that `dataset.data` is a
 * view of: a job hands that Memory to its Workers, which read the rows in place.
 */
export interface Ingested {
  dataset: Dataset;
  categories: Categories | null;
}

/**
 * Errors cross the worker boundary as plain data; thrown Errors would lose row and column. The
 * dataset's string columns travel packed (packed-strings.ts).
 */
export type IngestOutcome = { ok: true; dataset: WireDataset; categories: Categories | null } | { ok: false; error: IngestErrorInfo };

/** The options that cross to the Worker (callbacks travel separately, as one proxied function). */
export type WireOptions = Omit<IngestOptions, 'onProgress' | 'onPreview'>;

type IngestEvent = ({ type: 'progress' } & ParseProgress) | ({ type: 'preview' } & PreviewInfo);

/** The one callback: every event of a parse. */
export type IngestListener = (e: IngestEvent) => void;

export interface IngestApi {
  ingestFiles(files: File[], opts?: WireOptions, onEvent?: IngestListener): Promise<IngestOutcome>;
  ingestUrls(urls: { url: string; name: string }[], opts?: WireOptions, onEvent?: IngestListener): Promise<IngestOutcome>;
}
