import { hasArrowMagic, parseArrowSource } from './arrow';
import { parseCsvSource } from './csv';
import { IngestError, type Dataset, type IngestOptions, type LabelColumn } from './dataset';
import { gunzipSource, hasGzipMagic } from './gzip';
import { parseJsonlSource, parseJsonSource } from './json';
import { hasNpyMagic, parseNpySource, readNpyHeader, readNpyLabels } from './npy';
import { parseNpyChunks } from './npy-stream';
import { parseNpzSource } from './npz';
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
  /** The parse for a source that can only be read in order (a decompressed .gz); absent when the format needs random access. */
  parseSequential?(src: FileSource, opts?: IngestOptions): Promise<Dataset>;
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
  parseSequential: (src, opts) => parseNpyChunks(src.name, src.byteChunks(), opts),
  // Labels are one value per row: small next to the vectors, so read whole.
  parseLabels: async (src) => readNpyLabels(await src.slice(0, src.size), src.name),
};

/** Text formats only ever read their bytes in order, so a decompressed stream is parsed as is. */
function inOrder(spec: FormatSpec): FormatSpec {
  return { ...spec, parseSequential: spec.parse };
}

/** Text tables: a file named like "metadata", or whose first line is not all numbers next to one that is, describes rows. */
async function textRole(src: FileSource): Promise<FileRole> {
  if (/meta/i.test(src.name)) return 'metadata';
  return 'data';
}

const csvFormat: FormatSpec = inOrder({
  id: 'csv',
  extensions: ['.csv', '.txt'],
  role: textRole,
  parse: (src, opts = {}) => parseCsvSource(src, { ...opts, format: 'csv' }),
});

const tsvFormat: FormatSpec = inOrder({
  id: 'tsv',
  extensions: ['.tsv', '.tab'],
  role: textRole,
  parse: (src, opts = {}) => parseCsvSource(src, { delimiter: '\t', ...opts, format: 'tsv' }),
});

const jsonFormat: FormatSpec = inOrder({
  id: 'json',
  extensions: ['.json'],
  parse: (src, opts) => parseJsonSource(src, opts),
});

const jsonlFormat: FormatSpec = inOrder({
  id: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  parse: (src, opts) => parseJsonlSource(src, opts),
});

const parquetFormat: FormatSpec = {
  id: 'parquet',
  extensions: ['.parquet', '.pq'],
  sniff: hasParquetMagic,
  parse: (src, opts) => parseParquetSource(src, opts),
};

const arrowFormat: FormatSpec = {
  id: 'arrow',
  extensions: ['.arrow', '.feather', '.ipc', '.arrows'],
  sniff: hasArrowMagic,
  parse: (src, opts) => parseArrowSource(src, opts),
  parseSequential: (src, opts) => parseArrowSource(src, opts, true),
};

const npzFormat: FormatSpec = {
  id: 'npz',
  extensions: ['.npz'],
  parse: (src, opts) => parseNpzSource(src, opts),
};

/** The format of a .gz file's contents, from its name without .gz and its decompressed first bytes. */
async function innerFormat(inner: FileSource): Promise<FormatSpec> {
  return detectFormat(
    inner.name,
    await inner.head(16),
    FORMATS.filter((x) => x !== gzipFormat),
  );
}

const gzipFormat: FormatSpec = {
  id: 'gzip',
  extensions: ['.gz'],
  sniff: hasGzipMagic,
  async role(src) {
    const inner = await gunzipSource(src);
    const fmt = await innerFormat(inner);
    return fmt.role ? fmt.role(inner) : 'data';
  },
  async parse(src, opts) {
    const inner = await gunzipSource(src);
    const fmt = await innerFormat(inner);
    if (!fmt.parseSequential)
      throw new IngestError(
        `${src.name}: a gzip-compressed ${fmt.id} file cannot be streamed (${fmt.id} is read by offset); decompress it first${fmt.id === 'parquet' ? ", or rely on Parquet's own compression" : ''}.`,
      );
    return fmt.parseSequential(inner, opts);
  },
  async parseLabels(src) {
    const inner = await gunzipSource(src);
    const fmt = await innerFormat(inner);
    if (!fmt.parseLabels) throw new IngestError(`${src.name}: a ${fmt.id} file cannot hold labels.`);
    return fmt.parseLabels(inner);
  },
};

export const FORMATS: FormatSpec[] = [npyFormat, parquetFormat, arrowFormat, gzipFormat, npzFormat, csvFormat, tsvFormat, jsonFormat, jsonlFormat];

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot).toLowerCase() : '';
}

/** Pick a format by magic bytes first (names lie more often than bytes), then by extension. */
export function detectFormat(name: string, head: Uint8Array, formats: FormatSpec[] = FORMATS): FormatSpec {
  for (const f of formats) if (f.sniff?.(head)) return f;
  const ext = extensionOf(name);
  const byExt = formats.find((f) => f.extensions.includes(ext));
  if (byExt) return byExt;
  // Unknown extension but readable text: CSV is the most common way embeddings get exported.
  if (ext === '') return csvFormat;
  const known = formats.flatMap((f) => f.extensions).join(', ');
  throw new IngestError(`${name}: unrecognised file type '${ext}'. mapstream reads ${known}.`);
}

export const ACCEPTED_EXTENSIONS = FORMATS.flatMap((f) => f.extensions);
