/// <reference lib="webworker" />
// Parses user files off the main thread: a 500 MB CSV must not freeze the page.
import * as Comlink from 'comlink';
import { encodeCategories, ingestSources, toErrorInfo, type FileSource } from '../src/io';
import type { IngestApi, IngestOutcome } from '../src/jobs/ingest-client';

function fileSource(file: File): FileSource {
  return {
    name: file.name,
    size: file.size,
    head: async (n) => new Uint8Array(await file.slice(0, n).arrayBuffer()),
    arrayBuffer: () => file.arrayBuffer(),
    textChunks: () => decodeStream(file),
  };
}

/** Decoded text chunk by chunk, so the whole text is never held at once. */
async function* decodeStream(file: File): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function ingest(files: File[]): Promise<IngestOutcome> {
  try {
    const dataset = await ingestSources(files.map(fileSource));
    const categories = dataset.labels ? encodeCategories(dataset.labels) : null;
    const transfers: Transferable[] = [dataset.data.buffer as ArrayBuffer];
    if (categories) transfers.push(categories.codes.buffer as ArrayBuffer);
    return Comlink.transfer({ ok: true, dataset, categories }, transfers);
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

const api: IngestApi = {
  ingestFiles: ingest,
  async ingestUrls(urls) {
    try {
      const files = await Promise.all(
        urls.map(async ({ url, name }) => {
          const res = await fetch(url);
          if (!res.ok) throw new Error(`Could not download ${name} (HTTP ${res.status}).`);
          return new File([await res.blob()], name);
        }),
      );
      return ingest(files);
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  },
};

Comlink.expose(api);
