// The SHA-256 of the bytes a dataset was read from, for exports' reproducibility records. Hashing
// starts when the data are read, in a Worker of its own, and is looked up by the dataset's rows (a
// relabelled dataset keeps its rows, so it keeps its hash).
import * as Comlink from 'comlink';
import type { HashOutcome, HashWorkerApi, InputFileHash } from './hash-protocol';
import { workerFailure } from './worker-failure';

export type { InputFileHash };

const hashes = new WeakMap<Float32Array, Promise<InputFileHash[]>>();

function inWorker(run: (remote: Comlink.Remote<HashWorkerApi>) => Promise<HashOutcome>): Promise<InputFileHash[]> {
  const worker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' });
  const result = (async () => {
    try {
      const out = await Promise.race([run(Comlink.wrap<HashWorkerApi>(worker)), workerFailure(worker, 'the input hasher')]);
      if (!out.ok) throw new Error(`Hashing the input failed: ${out.message}`);
      return out.files;
    } finally {
      worker.terminate();
    }
  })();
  // Nobody may ask for it (no export); a failure is then reported by the record that asks.
  result.catch(() => {});
  return result;
}

/** Start hashing the files (or same-origin URLs) the rows `rows` were read from. */
export function hashInput(rows: Float32Array, source: { files: File[] } | { urls: { url: string; name: string }[] }): void {
  if (hashes.has(rows)) return;
  if ('files' in source)
    hashes.set(
      rows,
      inWorker((r) => r.hashFiles(source.files)),
    );
  else {
    const urls = source.urls.map(({ url, name }) => ({ url: new URL(url, document.baseURI).href, name }));
    hashes.set(
      rows,
      inWorker((r) => r.hashUrls(urls)),
    );
  }
}

/** The hashes of the input these rows were read from, or null when they were not read in this page (a map file, a generator). */
export function inputHashOf(rows: Float32Array): Promise<InputFileHash[]> | null {
  return hashes.get(rows) ?? null;
}
