import * as Comlink from 'comlink';
import { IngestError } from '../io';
import { rowStoreOf } from '../engine/wasm/row-kernels';
import type { IngestApi, IngestListener, IngestOutcome, Ingested, WireOptions } from './ingest-protocol';

export type { Ingested, WireOptions };

let remote: Comlink.Remote<IngestApi> | null = null;

function worker(): Comlink.Remote<IngestApi> {
  // One long-lived worker: parsing is sequential from the user's point of view.
  remote ??= Comlink.wrap<IngestApi>(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));
  return remote;
}

function unwrap(outcome: IngestOutcome): Ingested {
  if (outcome.ok) {
    const ds = outcome.dataset;
    // The Memory arrives as the very same shared memory; the rows are viewed on it (not on a second
    // handle to its buffer), and a job given `dataset.memory` hands it to its Workers as it is.
    if (ds.memory) ds.data = rowStoreOf(ds.memory, ds.n, ds.d).data;
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
export async function ingestFiles(files: File[], opts: WireOptions = {}, onEvent?: IngestListener): Promise<Ingested> {
  return unwrap(await worker().ingestFiles(files, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}

/** Fetch and parse bundled files; urls are resolved against the page so the app works under any sub-path. */
export async function ingestUrls(urls: { url: string; name: string }[], opts: WireOptions = {}, onEvent?: IngestListener): Promise<Ingested> {
  const absolute = urls.map(({ url, name }) => ({ url: new URL(url, document.baseURI).href, name }));
  return unwrap(await worker().ingestUrls(absolute, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}
