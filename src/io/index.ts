export {
  IngestError,
  toErrorInfo,
  DEFAULT_MAX_DIM,
  type BadRecord,
  type Dataset,
  type IngestErrorInfo,
  type IngestOptions,
  type MetaColumn,
  type ParseProgress,
  type PreviewInfo,
} from './dataset';
export { parseNpy, readNpyLabels, readNpyHeader } from './npy';
export { CsvParser, parseCsv } from './csv';
export { detectFormat } from './detect';
export { ingestSources } from './ingest';
export { memorySource, blobSource, type FileSource } from './source';
export { applyLabelColumn } from './vector-sink';
export { encodeCategories, type Categories } from './categories';
