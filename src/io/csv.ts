import { RecordScanner } from './csv-records';
import { type BadRecord, IngestError, type Dataset, type IngestOptions, type PreviewInfo } from './dataset';
import { textChunks, type FileSource } from './source';
import { sinkOptions, VectorSink, type MetaValue } from './vector-sink';
import { isMetadataName } from './wide';

export interface CsvOptions extends IngestOptions {
  /** Format id for messages and the preview (csv, tsv, projector). */
  format?: string;
  /** Total size in bytes, for progress and the row estimate. */
  totalBytes?: number;
}

const NAN_RE = /^[+-]?nan$/i;
const INF_RE = /^[+-]?inf(inity)?$/i;
const CANDIDATES = [',', '\t', ';', '|'];
/** Enough text to see a few whole records of even very wide rows before deciding the dialect. */
const SNIFF_CHARS = 1 << 18;
const PREVIEW_ROWS = 5;

/**
 * The delimiter that splits the first lines into the same number (> 1) of fields most consistently.
 * Quoted text is skipped so commas inside quotes do not vote.
 */
export function sniffDelimiter(sample: string): string {
  const lines = sample
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .slice(0, 21);
  // The last line may be cut off mid-record.
  if (lines.length > 2) lines.pop();
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  let best = ',';
  let bestScore = 0;
  for (const c of CANDIDATES) {
    const counts = nonEmpty.map((l) => countOutsideQuotes(l, c));
    if (counts.length === 0 || counts[0] === 0) continue;
    const same = counts.filter((k) => k === counts[0]).length;
    const score = (same / counts.length) * 1000 + counts[0]!;
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, c: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') quoted = !quoted;
    else if (ch === c && !quoted) n++;
  }
  return n;
}

/**
 * Streaming CSV/TSV → Dataset. Feed text with push() in any chunking, then finish(). The delimiter
 * and whether the first line is a header are detected from the first 256 KB unless given. Numeric
 * columns form the vector; every other column (and numeric ones named label, id…) is metadata.
 * Column kinds are decided by the first data row; a later row that disagrees is a bad row, reported
 * with its row and column rather than silently coerced.
 */
export class CsvParser {
  private scanner: RecordScanner | null = null;
  private pending = '';
  private header: string[] | null = null;
  private hasHeader = true;
  private delimiter = ',';
  private vectorCols: number[] = [];
  private metaCols: number[] = [];
  /** Columns whose header cell is empty: the index pandas writes with `to_csv()`, so never part of the vector. */
  private unnamed = new Set<number>();
  private dataRows = 0;
  private sawAnyText = false;
  private firstRecords: string[][] = [];
  private avgRecordChars = 0;
  private previewed = false;
  readonly sink: VectorSink;
  private readonly format: string;

  constructor(
    private readonly fileName = 'file.csv',
    private readonly opts: CsvOptions = {},
  ) {
    this.format = opts.format ?? (opts.delimiter === '\t' ? 'tsv' : 'csv');
    this.sink = new VectorSink(sinkOptions(fileName, this.format, opts.totalBytes ?? 0, opts));
  }

  push(chunk: string): void {
    if (!this.sawAnyText && chunk.replace(/^\uFEFF/, '').trim().length > 0) this.sawAnyText = true;
    if (this.scanner) {
      this.scanner.push(chunk);
      return;
    }
    this.pending += chunk;
    if (this.pending.length >= SNIFF_CHARS) this.start();
  }

  private start(): void {
    const sample = this.pending.slice(0, SNIFF_CHARS);
    this.delimiter = this.opts.delimiter ?? sniffDelimiter(sample);
    const lines = sample.split('\n').length - 1;
    this.avgRecordChars = lines > 0 ? sample.length / lines : sample.length;
    this.scanner = new RecordScanner(this.delimiter, (fields, line) => this.onRecord(fields, line));
    const text = this.pending;
    this.pending = '';
    this.scanner.push(text);
  }

  finish(): Dataset {
    if (!this.scanner) this.start();
    this.scanner!.end();
    const f = this.fileName;
    if (!this.sawAnyText || (this.header === null && this.dataRows === 0)) throw new IngestError(`${f} is empty.`);
    if (this.dataRows === 0) throw new IngestError(`${f} has a header row but no data rows.`);
    this.preview();
    const ds = this.sink.finish();
    const header = this.header!;
    ds.columns = this.vectorCols.map((j) => header[j]!);
    return ds;
  }

  private onRecord(fields: string[], line: number): void {
    // Blank lines (including the usual trailing newline) carry no data.
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    if (this.header === null) {
      this.hasHeader = this.opts.header ?? !fields.every(looksNumeric);
      this.header = this.hasHeader ? fields.map((h, j) => h.trim() || `column ${j + 1}`) : fields.map((_, j) => `c${j}`);
      if (this.hasHeader)
        fields.forEach((h, j) => {
          if (h.trim() === '') this.unnamed.add(j);
        });
      if (this.hasHeader) return;
    }
    const row = ++this.dataRows;
    if (this.firstRecords.length < PREVIEW_ROWS) this.firstRecords.push(fields);
    const k = this.header.length;
    if (fields.length !== k) {
      const what = this.hasHeader ? 'the header has' : 'the first row has';
      const record = { row, line, columns: this.header, cells: fields };
      this.sink.bad(new IngestError(`${this.fileName}: row ${row} (line ${line}) has ${fields.length} field${fields.length === 1 ? '' : 's'}, but ${what} ${k}.`, { row, record }));
      return;
    }
    // The first well-formed row decides the column kinds: a ragged row 1 is a bad row, not the model.
    if (this.sink.d < 0) this.classifyColumns(fields);
    const slot = this.sink.slot();
    const cols = this.vectorCols;
    for (let j = 0; j < cols.length; j++) {
      const raw = fields[cols[j]!]!;
      const v = Number(raw);
      // Number('') is 0 and Number(' ') too: an empty cell must not pass as zero.
      if (Number.isFinite(v) && raw.trim() !== '') slot[j] = v;
      else {
        this.sink.bad(this.numberError(raw, { row, line, columns: this.header, cells: fields, column: cols[j]! }));
        return;
      }
    }
    const meta: MetaValue[] = this.metaCols.map((j) => fields[j]!.trim());
    this.sink.commit(row, meta, (j) => this.header![cols[j]!]!);
    if (row === PREVIEW_ROWS) this.preview();
  }

  private preview(): void {
    if (this.previewed || !this.opts.onPreview || !this.header) return;
    this.previewed = true;
    const header = this.header;
    const info: PreviewInfo = {
      fileName: this.fileName,
      format: this.format,
      columns: header,
      rows: this.firstRecords,
      d: this.vectorCols.length,
      vectorColumns: this.vectorCols.map((j) => header[j]!),
      metaColumns: this.metaCols.map((j) => header[j]!),
      delimiter: this.delimiter,
      header: this.hasHeader,
    };
    if (this.opts.totalBytes && this.avgRecordChars > 0) info.rowsEstimate = Math.round(this.opts.totalBytes / this.avgRecordChars) - (this.hasHeader ? 1 : 0);
    this.opts.onPreview(info);
  }

  private classifyColumns(first: string[]): void {
    const header = this.header!;
    const vector: number[] = [];
    const meta: number[] = [];
    header.forEach((name, j) => {
      (looksNumeric(first[j]!) && !isMetadataName(name) && !this.unnamed.has(j) ? vector : meta).push(j);
    });
    if (vector.length === 0)
      throw new IngestError(`${this.fileName} has no numeric columns to use as the vector (row 1 has only text in columns ${header.map((h) => `'${h}'`).join(', ')}).`, {
        row: 1,
      });
    this.vectorCols = vector;
    this.metaCols = meta;
    this.sink.begin(vector.length, ` (${vector.length} numeric columns)`);
    this.sink.setMetaColumns(meta.map((j) => header[j]!));
  }

  private numberError(raw: string, record: BadRecord & { column: number }): IngestError {
    const s = raw.trim();
    const { row, line } = record;
    const column = this.header![record.column]!;
    const where = `row ${row} (line ${line}), column '${column}'`;
    const opts = { row, column, record };
    if (s === '') return new IngestError(`${this.fileName}: empty value at ${where}; every vector value must be a number.`, opts);
    if (NAN_RE.test(s)) return new IngestError(`${this.fileName}: NaN at ${where}; mapstream needs finite numbers.`, opts);
    if (INF_RE.test(s) || (!Number.isNaN(Number(s)) && !Number.isFinite(Number(s))))
      return new IngestError(`${this.fileName}: infinite value '${s}' at ${where}; mapstream needs finite numbers.`, opts);
    return new IngestError(`${this.fileName}: non-numeric value '${truncate(s)}' at ${where}.`, opts);
  }
}

/** NaN/Inf spellings count as numeric here so that they are reported as such, not as metadata. */
function looksNumeric(raw: string): boolean {
  const s = raw.trim();
  if (s === '') return true;
  return !Number.isNaN(Number(s)) || NAN_RE.test(s) || INF_RE.test(s);
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function parseCsv(text: string, fileName = 'file.csv', opts: CsvOptions = {}): Dataset {
  const p = new CsvParser(fileName, opts);
  p.push(text);
  return p.finish();
}

/** Parse a file, streamed, with progress in bytes. */
export async function parseCsvSource(src: FileSource, opts: CsvOptions = {}): Promise<Dataset> {
  const p = new CsvParser(src.name, { ...opts, totalBytes: src.size });
  for await (const chunk of textChunks(src, (b) => p.sink.progress(b))) p.push(chunk);
  const ds = p.finish();
  p.sink.progress(src.size, true);
  return ds;
}
