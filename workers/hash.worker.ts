/// <reference lib="webworker" />
// Hashes the input's bytes (SHA-256) beside the file reader, on the other core, so reading is not slowed.
import * as Comlink from 'comlink';
import { messageOf } from '../src/io/error-message';
import { Sha256 } from '../src/io/sha256';
import type { HashOutcome, HashWorkerApi } from '../src/jobs/hash-protocol';

async function hashStream(name: string, stream: ReadableStream<Uint8Array>) {
  const h = new Sha256();
  let bytes = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
    bytes += value.length;
  }
  return { name, bytes, sha256: h.hex() };
}

async function outcome(run: () => Promise<HashOutcome & { ok: true }>): Promise<HashOutcome> {
  try {
    return await run();
  } catch (err) {
    return { ok: false, message: messageOf(err) };
  }
}

const api: HashWorkerApi = {
  hashFiles: (files) => outcome(async () => ({ ok: true, files: await Promise.all(files.map((f) => hashStream(f.name, f.stream()))) })),
  hashUrls: (urls) =>
    outcome(async () => {
      const files = [];
      for (const { url, name } of urls) {
        const res = await fetch(url);
        if (!res.ok || !res.body) throw new Error(`${name}: HTTP ${res.status}`);
        files.push(await hashStream(name, res.body));
      }
      return { ok: true, files };
    }),
};

Comlink.expose(api);
