/// <reference lib="webworker" />
// Parses user files off the main thread: a 1 GB CSV must not freeze the page.
import * as Comlink from 'comlink';
import { blobSource, encodeCategories, ingestSources, toErrorInfo, type IngestOptions } from '../src/io';
import type { IngestApi, IngestListener, IngestOutcome, WireOptions } from '../src/jobs/ingest-protocol';
import { packDataset } from '../src/jobs/packed-strings';

async function ingest(files: File[], wire: WireOptions = {}, onEvent?: IngestListener): Promise<IngestOutcome> {
  try {
    const opts: IngestOptions = {
      ...wire,
      // Parsed straight into shared wasm memory, the vectors are never copied again: the page and the
      // job's Workers all read this one Memory.
      sharedMemory: wire.sharedMemory ?? (self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined'),
    };
    if (onEvent) {
      opts.onProgress = (p) => onEvent({ type: 'progress', ...p });
      opts.onPreview = (p) => onEvent({ type: 'preview', ...p });
    }
    const dataset = await ingestSources(files.map(blobSource), opts);
    const categories = dataset.labels ? encodeCategories(dataset.labels) : null;
    const { wire: packed, transfers } = packDataset(dataset);
    if (!dataset.memory && dataset.data.buffer instanceof ArrayBuffer) transfers.push(dataset.data.buffer);
    // A map's columns that are also its only data share one array: listed once.
    const coords = dataset.coords?.data.buffer;
    if (coords instanceof ArrayBuffer && !transfers.includes(coords)) transfers.push(coords);
    if (categories) transfers.push(categories.codes.buffer as ArrayBuffer);
    return Comlink.transfer({ ok: true, dataset: packed, categories }, transfers);
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

const api: IngestApi = {
  ingestFiles: ingest,
  async ingestUrls(urls, wire, onEvent) {
    try {
      const files = await Promise.all(
        urls.map(async ({ url, name }) => {
          const res = await fetch(url);
          if (!res.ok) throw new Error(`Could not download ${name} (HTTP ${res.status}).`);
          return new File([await res.blob()], name);
        }),
      );
      return ingest(files, wire, onEvent);
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  },
};

Comlink.expose(api);
