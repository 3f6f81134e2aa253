import { RecordScanner } from './csv-records';
import { GrowableFloat32 } from './growable';
import { IngestError, type Dataset } from './dataset';

export interface CsvOptions {
  /** Field separator; ',' for CSV, '\t' for TSV. */
  delimiter?: string;
}

const NAN_RE = /^[+-]?nan$/i;
const INF_RE = /^[+-]?inf(inity)?$/i;

/**
 * Streaming CSV → Dataset. Feed text with push() in any chunking, then finish().
 * Numeric columns form the vector; a column named "label" (any case), or else the single
 * non-numeric column, gives the labels. Column kinds are decided by the first data row; a later
 * row that disagrees is reported with its row and column rather than silently coerced.
 */
export class CsvParser {
  private readonly scanner: RecordScanner;
  private header: string[] | null = null;
  private numericCols: number[] = [];
  private labelCol = -1;
  private rows = 0;
  private readonly values = new GrowableFloat32(1 << 16);
  private readonly labels: string[] = [];
  private sawAnyText = false;

  constructor(
    private readonly fileName = 'file.csv',
    opts: CsvOptions = {},
  ) {
    this.scanner = new RecordScanner(opts.delimiter ?? ',', (fields, line) => this.onRecord(fields, line));
  }

  push(chunk: string): void {
    if (!this.sawAnyText && chunk.replace(/^\uFEFF/, '').trim().length > 0) this.sawAnyText = true;
    this.scanner.push(chunk);
  }

  finish(): Dataset {
    this.scanner.end();
    const f = this.fileName;
    if (!this.sawAnyText || this.header === null) throw new IngestError(`${f} is empty.`);
    if (this.rows === 0) throw new IngestError(`${f} has a header row but no data rows.`);
    const header = this.header;
    const out: Dataset = {
      data: this.values.finish(),
      n: this.rows,
      d: this.numericCols.length,
      columns: this.numericCols.map((j) => header[j]!),
      fileName: f,
    };
    if (this.labelCol >= 0) {
      out.labels = this.labels;
      out.labelName = header[this.labelCol]!;
    }
    return out;
  }

  private onRecord(fields: string[], line: number): void {
    // Blank lines (including the usual trailing newline) carry no data.
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    if (this.header === null) {
      this.header = fields.map((h, j) => h.trim() || `column ${j + 1}`);
      return;
    }
    const row = this.rows + 1;
    const k = this.header.length;
    if (fields.length !== k)
      throw new IngestError(`${this.fileName}: row ${row} (line ${line}) has ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header has ${k}.`, {
        row,
      });
    if (row === 1) this.classifyColumns(fields);
    for (const j of this.numericCols) this.values.push(this.parseNumber(fields[j]!, row, line, j));
    if (this.labelCol >= 0) this.labels.push(fields[this.labelCol]!.trim());
    this.rows++;
  }

  private classifyColumns(first: string[]): void {
    const header = this.header!;
    const labelByName = header.findIndex((h) => h.toLowerCase() === 'label');
    const text: number[] = [];
    const numeric: number[] = [];
    header.forEach((_, j) => {
      if (j === labelByName) return;
      (looksNumeric(first[j]!) ? numeric : text).push(j);
    });
    if (labelByName >= 0) {
      // With an explicit label column, other text columns (ids, notes) are not part of the vector.
      this.labelCol = labelByName;
    } else if (text.length === 1) {
      this.labelCol = text[0]!;
    } else if (text.length > 1) {
      const names = text.map((j) => `'${header[j]}'`).join(', ');
      throw new IngestError(
        `${this.fileName}: columns ${names} are not numeric in row 1. mapstream uses the numeric columns as the vector and one text column (or a column named "label") as labels.`,
        { row: 1, column: header[text[0]!]! },
      );
    }
    if (numeric.length === 0) throw new IngestError(`${this.fileName} has no numeric columns to use as the vector.`);
    this.numericCols = numeric;
  }

  private parseNumber(raw: string, row: number, line: number, j: number): number {
    const s = raw.trim();
    const v = s === '' ? NaN : Number(s);
    if (Number.isFinite(v)) return v;
    const column = this.header![j]!;
    const where = `row ${row} (line ${line}), column '${column}'`;
    const opts = { row, column };
    if (s === '') throw new IngestError(`${this.fileName}: empty value at ${where}; every vector value must be a number.`, opts);
    if (NAN_RE.test(s)) throw new IngestError(`${this.fileName}: NaN at ${where}; mapstream needs finite numbers.`, opts);
    if (INF_RE.test(s) || (!Number.isNaN(v) && !Number.isFinite(v)))
      throw new IngestError(`${this.fileName}: infinite value '${s}' at ${where}; mapstream needs finite numbers.`, opts);
    throw new IngestError(`${this.fileName}: non-numeric value '${truncate(s)}' at ${where}.`, opts);
  }
}

/** NaN/Inf spellings count as numeric here so that they are reported as such, not as labels. */
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

/** Parse from decoded text chunks (e.g. file.stream() piped through TextDecoderStream) without holding the whole text. */
export async function parseCsvChunks(chunks: AsyncIterable<string>, fileName = 'file.csv', opts: CsvOptions = {}): Promise<Dataset> {
  const p = new CsvParser(fileName, opts);
  for await (const chunk of chunks) p.push(chunk);
  return p.finish();
}
