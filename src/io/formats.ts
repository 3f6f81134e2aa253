import { parseCsvChunks } from './csv';
import { IngestError, type Dataset, type LabelColumn } from './dataset';
import { hasNpyMagic, parseNpy, readNpyHeader, readNpyLabels } from './npy';
import type { FileSource } from './source';

/**
 * One input format. New formats (JSON, Parquet, TSV pairs…) register here; nothing else in the
 * ingest path knows about specific formats.
 */
export interface FormatSpec {
  id: string;
  /** Lower-case extensions including the dot. */
  extensions: string[];
  /** True when the first bytes identify this format regardless of the file's name. */
  sniff?(head: Uint8Array): boolean;
  /** What this file is for when several files are given together. */
  role?(src: FileSource): Promise<'data' | 'labels'>;
  parse(src: FileSource): Promise<Dataset>;
  parseLabels?(src: FileSource): Promise<LabelColumn>;
}

export const npyFormat: FormatSpec = {
  id: 'npy',
  extensions: ['.npy'],
  sniff: hasNpyMagic,
  async role(src) {
    const head = await src.head(Math.min(src.size, 4096));
    try {
      const h = readNpyHeader(head, src.name);
      return h.shape.length === 1 ? 'labels' : 'data';
    } catch {
      // Let parse() report the real problem.
      return 'data';
    }
  },
  parse: async (src) => parseNpy(await src.arrayBuffer(), src.name),
  parseLabels: async (src) => readNpyLabels(await src.arrayBuffer(), src.name),
};

export const csvFormat: FormatSpec = {
  id: 'csv',
  extensions: ['.csv'],
  parse: (src) => parseCsvChunks(src.textChunks(), src.name, { delimiter: ',' }),
};

export const tsvFormat: FormatSpec = {
  id: 'tsv',
  extensions: ['.tsv', '.tab'],
  parse: (src) => parseCsvChunks(src.textChunks(), src.name, { delimiter: '\t' }),
};

export const FORMATS: FormatSpec[] = [npyFormat, csvFormat, tsvFormat];

export const ACCEPTED_EXTENSIONS = FORMATS.flatMap((f) => f.extensions);
