export { IngestError, toErrorInfo, type Dataset, type LabelColumn, type IngestErrorInfo } from './dataset';
export { parseNpy, readNpyLabels, readNpyHeader, hasNpyMagic, type NpyHeader } from './npy';
export { CsvParser, parseCsv, parseCsvChunks, type CsvOptions } from './csv';
export { detectFormat, detectSource } from './detect';
export { FORMATS, ACCEPTED_EXTENSIONS, type FormatSpec } from './formats';
export { ingestSources } from './ingest';
export { memorySource, type FileSource } from './source';
export { encodeCategories, MAX_CATEGORIES, type Categories } from './categories';
