import * as Comlink from 'comlink';
import { IngestError } from '../io';
import { rowStoreOf } from '../engine/wasm/row-kernels';
import type { IngestApi, IngestListener, IngestOutcome, Ingested, WireOptions } from './ingest-protocol';
import { workerFailure } from './worker-failure';
import { unpackDataset } from './packed-strings';

export type { Ingested, WireOptions };

interface Reader {
  remote: Comlink.Remote<IngestApi>;
  failed: Promise<never>;
}

let current: Reader | null = null;

function reader(): Reader {
  // One long-lived worker: parsing is sequential from the user's point of view.
  if (current) return current;
  const worker = new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' });
  const started: Reader = { remote: Comlink.wrap<IngestApi>(worker), failed: workerFailure(worker, 'the file reader') };
  // A reader that failed is dropped, so the next file starts a new one (back online, say).
  started.failed.catch(() => {
    if (current === started) current = null;
  });
  current = started;
  return started;
}

async function call(run: (remote: Comlink.Remote<IngestApi>) => Promise<IngestOutcome>): Promise<Ingested> {
  const { remote, failed } = reader();
  return unwrap(await Promise.race([run(remote), failed]));
}

function unwrap(outcome: IngestOutcome): Ingested {
  if (outcome.ok) {
    const ds = unpackDataset(outcome.dataset);
    // The Memory arrives as the very same shared memory; the rows are viewed on it (not on a second
    // handle to its buffer), and a job given `dataset.memory` hands it to its Workers as it is.
    if (ds.memory) ds.data = rowStoreOf(ds.memory, ds.n, ds.d).data;
    return { dataset: ds, categories: outcome.categories };
  }
  const { message, ...opts } = outcome.error;
  throw new IngestError(message, opts);
}

/** Parse the user's file(s) in the ingest worker; rejects with IngestError carrying row/column where known. */
export async function ingestFiles(files: File[], opts: WireOptions = {}, onEvent?: IngestListener): Promise<Ingested> {
  return call((remote) => remote.ingestFiles(files, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}

/** Fetch and parse bundled files; urls are resolved against the page so the app works under any sub-path. */
export async function ingestUrls(urls: { url: string; name: string }[], opts: WireOptions = {}, onEvent?: IngestListener): Promise<Ingested> {
  const absolute = urls.map(({ url, name }) => ({ url: new URL(url, document.baseURI).href, name }));
  return call((remote) => remote.ingestUrls(absolute, opts, onEvent ? Comlink.proxy(onEvent) : undefined));
}
