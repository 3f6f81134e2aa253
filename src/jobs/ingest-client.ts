import * as Comlink from 'comlink';
import { IngestError, type Categories, type Dataset, type IngestErrorInfo } from '../io';

/** A parsed dataset plus label codes for colouring (null without labels or with too many distinct ones). */
export interface Ingested {
  dataset: Dataset;
  categories: Categories | null;
}

/** Errors cross the worker boundary as plain data; thrown Errors would lose row and column. */
export type IngestOutcome = ({ ok: true } & Ingested) | { ok: false; error: IngestErrorInfo };

export interface IngestApi {
  ingestFiles(files: File[]): Promise<IngestOutcome>;
  ingestUrls(urls: { url: string; name: string }[]): Promise<IngestOutcome>;
}

let remote: Comlink.Remote<IngestApi> | null = null;

function worker(): Comlink.Remote<IngestApi> {
  // One long-lived worker: parsing is sequential from the user's point of view.
  remote ??= Comlink.wrap<IngestApi>(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));
  return remote;
}

function unwrap(outcome: IngestOutcome): Ingested {
  if (outcome.ok) return { dataset: outcome.dataset, categories: outcome.categories };
  const { message, row, column } = outcome.error;
  const opts: { row?: number; column?: string } = {};
  if (row !== undefined) opts.row = row;
  if (column !== undefined) opts.column = column;
  throw new IngestError(message, opts);
}

/** Parse the user's file(s) in the ingest worker; rejects with IngestError carrying row/column where known. */
export async function ingestFiles(files: File[]): Promise<Ingested> {
  return unwrap(await worker().ingestFiles(files));
}

/** Fetch and parse bundled files; urls are resolved against the page so the app works under any sub-path. */
export async function ingestUrls(urls: { url: string; name: string }[]): Promise<Ingested> {
  const absolute = urls.map(({ url, name }) => ({ url: new URL(url, document.baseURI).href, name }));
  return unwrap(await worker().ingestUrls(absolute));
}
