import * as Comlink from 'comlink';
import { IngestError, type Categories, type Dataset, type IngestErrorInfo, type IngestOptions, type ParseProgress, type PreviewInfo } from '../io';
import { registerSharedStore, rowStoreOf } from '../engine/wasm/row-kernels';

/** A parsed dataset plus label codes for colouring (null without labels or with too many distinct ones). */
export interface Ingested {
  dataset: Dataset;
  categories: Categories | null;
}

/** Errors cross the worker boundary as plain data; thrown Errors would lose row and column. */
export type IngestOutcome = ({ ok: true } & Ingested) | { ok: false; error: IngestErrorInfo };

/** The options that cross to the Worker (callbacks travel separately, as one proxied function). */
export type WireOptions = Omit<IngestOptions, 'onProgress' | 'onPreview'>;

export type IngestEvent = ({ type: 'progress' } & ParseProgress) | ({ type: 'preview' } & PreviewInfo);

export interface IngestApi {
  ingestFiles(files: File[], opts?: WireOptions, onEvent?: (e: IngestEvent) => void): Promise<IngestOutcome>;
  ingestUrls(urls: { url: string; name: string }[], opts?: WireOptions, onEvent?: (e: IngestEvent) => void): Promise<IngestOutcome>;
}

let remote: Comlink.Remote<IngestApi> | null = null;

function worker(): Comlink.Remote<IngestApi> {
  // One long-lived worker: parsing is sequential from the user's point of view.
  remote ??= Comlink.wrap<IngestApi>(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));
  return remote;
}

function unwrap(outcome: IngestOutcome): Ingested {
  if (outcome.ok) {
    const ds = outcome.dataset;
    if (ds.memory) {
      // The Memory arrived as the very same shared memory: register it so a job uses it in place.
      const store = rowStoreOf(ds.memory, ds.n, ds.d);
      registerSharedStore(store);
      ds.data = store.data;
    }
    return { dataset: ds, categories: outcome.categories };
  }
  const { message, row, column, badRows } = outcome.error;
  const opts: { row?: number; column?: string; badRows?: number } = {};
  if (row !== undefined) opts.row = row;
  if (column !== undefined) opts.column = column;
  if (badRows !== undefined) opts.badRows = badRows;
  throw new IngestError(message, opts);
}

/** Parse the user's file(s) in the ingest worker; rejects with IngestError carrying row/column where known. */
export async function ingestFiles(files: File[], opts: WireOptions = {}, onEvent?: (e: IngestEvent) => void): Promise<Ingested> {
  return unwrap(await worker().ingestFiles(files, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}

/** Fetch and parse bundled files; urls are resolved against the page so the app works under any sub-path. */
export async function ingestUrls(urls: { url: string; name: string }[], opts: WireOptions = {}, onEvent?: (e: IngestEvent) => void): Promise<Ingested> {
  const absolute = urls.map(({ url, name }) => ({ url: new URL(url, document.baseURI).href, name }));
  return unwrap(await worker().ingestUrls(absolute, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}
