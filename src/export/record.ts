// The reproducibility record that goes with every export (`<name>.record.json`): what the map was
// made from and how, so someone else can make it again and check they got the same input.

interface InputFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface RecordInput {
  /** What was exported: 'csv', 'png', … and the file name written. */
  export: { kind: string; file: string };
  map: { name: string; n: number; nComponents: number };
  /** Dimension of the vectors the map was made from (null: unknown, e.g. a map file). */
  d: number | null;
  /** The parameters as the job ran them (or as the map file recorded them). */
  params: Record<string, unknown>;
  /** The backend that ran the layout ('cpu', 'webgpu'), or null when this page does not know it. */
  backend: string | null;
  /** The input's files with their SHA-256, or why there is no hash. */
  input: { files: InputFile[] } | { files: null; note: string };
  rowId: string | null;
  quality: { trustworthiness: number; knnRecall: number; k: number; sampleSize: number } | null;
  appVersion: string;
  date: Date;
}

/** The record as pretty JSON. `seed` is pulled out of the parameters, as people look for it first. */
export function reproducibilityRecord(r: RecordInput): string {
  const seed = r.params.seed;
  const out = {
    mapstream: 'reproducibility record',
    version: 1,
    appVersion: r.appVersion,
    date: r.date.toISOString(),
    export: r.export,
    map: r.map,
    n: r.map.n,
    d: r.d,
    seed: seed === undefined || seed === '' ? null : Number(seed),
    backend: r.backend,
    params: r.params,
    input: r.input.files ? { files: r.input.files } : { files: null, note: r.input.note },
    rowId: r.rowId,
    quality: r.quality,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
