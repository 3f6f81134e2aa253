// The input-hash Worker's protocol (workers/hash.worker.ts): the files (or same-origin URLs) a
// dataset was read from in, the SHA-256 of each one's bytes out, for the reproducibility record.

export interface InputFileHash {
  name: string;
  bytes: number;
  sha256: string;
}

export type HashOutcome = { ok: true; files: InputFileHash[] } | { ok: false; message: string };

export interface HashWorkerApi {
  hashFiles(files: File[]): Promise<HashOutcome>;
  hashUrls(urls: { url: string; name: string }[]): Promise<HashOutcome>;
}
