import * as Comlink from 'comlink';
import { ingestFiles, ingestUrls, type Ingested } from './ingest-client';
import type { DemoWorkerApi, SyntheticSource } from './demo-protocol';
import type { LinkSource } from '../share/link';
import { workerFailure } from './worker-failure';

const DIGITS_FILES = [
  { url: './demo/digits/digits.npy', name: 'digits.npy' },
  { url: './demo/digits/digits.labels.npy', name: 'digits.labels.npy' },
];

/** Fetch, generate or read the data a link names, ready to run. */
export async function loadLinkSource(source: LinkSource): Promise<Ingested> {
  switch (source.kind) {
    case 'digits':
      return ingestUrls(DIGITS_FILES);
    case 'url':
      return ingestFiles([await fetchDataset(source.url)]);
    default:
      return generateSynthetic(source);
  }
}

async function generateSynthetic(source: SyntheticSource): Promise<Ingested> {
  const worker = new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), { type: 'module', name: 'demo' });
  try {
    const out = await Promise.race([Comlink.wrap<DemoWorkerApi>(worker).generate(source), workerFailure(worker, 'the demo data generator')]);
    if (!out.ok) throw new Error(`Generating the demo data failed: ${out.message}`);
    return { dataset: out.dataset, categories: out.categories };
  } finally {
    worker.terminate();
  }
}

/**
 * Download a public dataset on the page itself, not in a Worker, so that the page's
 * Content-Security-Policy (connect-src limited to this origin and the link's dataset origin)
 * governs the request. The bytes then go to the ingest Worker like a local file.
 */
async function fetchDataset(url: string): Promise<File> {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'dataset');
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new Error(
      `Could not download ${url}: the request was blocked or failed. Either the network is unreachable, or the server does not allow other sites to read the file (it must send Access-Control-Allow-Origin — CORS).`,
    );
  }
  if (!res.ok) throw new Error(`Could not download ${url}: the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
  return new File([await res.blob()], name);
}
