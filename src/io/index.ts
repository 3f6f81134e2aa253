export {
  IngestError,
  toErrorInfo,
  DEFAULT_MAX_DIM,
  type Dataset,
  type LabelColumn,
  type IngestErrorInfo,
  type IngestOptions,
  type MetaColumn,
  type ParseProgress,
  type PreviewInfo,
} from './dataset';
export { parseNpy, parseNpySource, readNpyLabels, readNpyHeader, hasNpyMagic, type NpyHeader } from './npy';
export { CsvParser, parseCsv, parseCsvChunks, parseCsvSource, sniffDelimiter, type CsvOptions } from './csv';
export { parseJsonSource, parseJsonlSource, JsonArrayScanner } from './json';
export { parseParquetSource, hasParquetMagic } from './parquet';
export { parseMetadataSource } from './metadata';
export { detectFormat, detectSource } from './detect';
export { FORMATS, ACCEPTED_EXTENSIONS, type FormatSpec } from './formats';
export { ingestSources } from './ingest';
export { memorySource, blobSource, textChunks, type FileSource } from './source';
export { applyLabelColumn, pickLabelColumn, labelsOf } from './vector-sink';
export { encodeCategories, MAX_CATEGORIES, type Categories } from './categories';
