import { parseCsvSource } from './csv';
import type { Dataset, IngestOptions, LabelColumn } from './dataset';
import { parseJsonlSource, parseJsonSource } from './json';
import { hasNpyMagic, parseNpySource, readNpyHeader, readNpyLabels } from './npy';
import { hasParquetMagic, parseParquetSource } from './parquet';
import type { FileSource } from './source';

export type FileRole = 'data' | 'labels' | 'metadata';

/**
 * One input format. New formats register here; nothing else in the ingest path knows about
 * specific formats.
 */
export interface FormatSpec {
  id: string;
  /** Lower-case extensions including the dot. */
  extensions: string[];
  /** True when the first bytes identify this format regardless of the file's name. */
  sniff?(head: Uint8Array): boolean;
  /** What this file is for when several files are given together. */
  role?(src: FileSource): Promise<FileRole>;
  parse(src: FileSource, opts?: IngestOptions): Promise<Dataset>;
  parseLabels?(src: FileSource): Promise<LabelColumn>;
}

const npyFormat: FormatSpec = {
  id: 'npy',
  extensions: ['.npy'],
  sniff: hasNpyMagic,
  async role(src) {
    const head = await src.head(Math.min(src.size, 4096));
    try {
      const h = readNpyHeader(head, src.name);
      return h.shape.length === 1 || (h.shape.length === 2 && h.shape[1] === 1) ? 'labels' : 'data';
    } catch {
      // Let parse() report the real problem.
      return 'data';
    }
  },
  parse: (src, opts) => parseNpySource(src, opts),
  // Labels are one value per row: small next to the vectors, so read whole.
  parseLabels: async (src) => readNpyLabels(await src.slice(0, src.size), src.name),
};

/** Text tables: a file named like "metadata", or whose first line is not all numbers next to one that is, describes rows. */
async function textRole(src: FileSource): Promise<FileRole> {
  if (/meta/i.test(src.name)) return 'metadata';
  return 'data';
}

export const csvFormat: FormatSpec = {
  id: 'csv',
  extensions: ['.csv', '.txt'],
  role: textRole,
  parse: (src, opts = {}) => parseCsvSource(src, { ...opts, format: 'csv' }),
};

const tsvFormat: FormatSpec = {
  id: 'tsv',
  extensions: ['.tsv', '.tab'],
  role: textRole,
  parse: (src, opts = {}) => parseCsvSource(src, { delimiter: '\t', ...opts, format: 'tsv' }),
};

const jsonFormat: FormatSpec = {
  id: 'json',
  extensions: ['.json'],
  parse: (src, opts) => parseJsonSource(src, opts),
};

const jsonlFormat: FormatSpec = {
  id: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  parse: (src, opts) => parseJsonlSource(src, opts),
};

const parquetFormat: FormatSpec = {
  id: 'parquet',
  extensions: ['.parquet', '.pq'],
  sniff: hasParquetMagic,
  parse: (src, opts) => parseParquetSource(src, opts),
};

export const FORMATS: FormatSpec[] = [npyFormat, parquetFormat, csvFormat, tsvFormat, jsonFormat, jsonlFormat];

export const ACCEPTED_EXTENSIONS = FORMATS.flatMap((f) => f.extensions);
