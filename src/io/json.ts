import { IngestError, type Dataset, type IngestOptions } from './dataset';
import { RecordRows } from './json-records';
import { textChunks, type FileSource } from './source';

const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/**
 * A streaming reader for a top-level JSON array whose elements are rows. It tracks only nesting
 * and strings to find where each element ends, then JSON.parses that one element: memory is one
 * row's text, never the file's.
 */
class JsonArrayScanner {
  private state: 'before' | 'between' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private carry = '';
  private expectComma = false;
  private elements = 0;

  constructor(
    private readonly fileName: string,
    private readonly onElement: (value: unknown, index: number) => void,
  ) {}

  push(chunk: string): void {
    const f = this.fileName;
    let start = this.state === 'inside' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.state === 'inside') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) this.inString = false;
          continue;
        }
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_ARR || c === OPEN_OBJ) this.depth++;
        else if (c === CLOSE_ARR || c === CLOSE_OBJ) {
          if (--this.depth === 0) {
            const text = this.carry + chunk.slice(start, i + 1);
            this.carry = '';
            this.emit(text);
            this.state = 'between';
            this.expectComma = true;
          }
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (this.state === 'before') {
        if (c !== OPEN_ARR) {
          const what = c === OPEN_OBJ ? 'an object' : `'${chunk[i]}'`;
          throw new IngestError(`${f}: a JSON file must hold an array of rows ([[…], …] or [{…}, …]), but it starts with ${what}. For one object per line, name the file .jsonl.`);
        }
        this.state = 'between';
        continue;
      }
      if (this.state === 'after') throw new IngestError(`${f}: unexpected text after the closing ']' of the array (after row ${this.elements}).`);
      // between elements
      if (c === CLOSE_ARR) {
        this.state = 'after';
        continue;
      }
      if (c === COMMA) {
        if (!this.expectComma) throw new IngestError(`${f}: a stray ',' in the array after row ${this.elements}.`, { row: this.elements + 1 });
        this.expectComma = false;
        continue;
      }
      if (this.expectComma) throw new IngestError(`${f}: a ',' is missing after row ${this.elements}.`, { row: this.elements + 1 });
      if (c === OPEN_ARR || c === OPEN_OBJ) {
        this.state = 'inside';
        this.depth = 1;
        start = i;
        continue;
      }
      // A scalar element: read up to the next ',' or ']' and let JSON.parse judge it.
      let j = i;
      while (j < chunk.length && chunk.charCodeAt(j) !== COMMA && chunk.charCodeAt(j) !== CLOSE_ARR) j++;
      this.emit(chunk.slice(i, j).trim());
      this.expectComma = true;
      i = j - 1;
    }
    if (this.state === 'inside') this.carry += chunk.slice(start);
  }

  private emit(text: string): void {
    const index = ++this.elements;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new IngestError(`${this.fileName}: row ${index} is not valid JSON (${(e as Error).message}).`, { row: index });
    }
    this.onElement(value, index);
  }

  end(): void {
    const f = this.fileName;
    if (this.state === 'before') throw new IngestError(`${f} is empty.`);
    if (this.state === 'inside') throw new IngestError(`${f} ends inside row ${this.elements + 1}: the file is truncated.`, { row: this.elements + 1 });
    if (this.state === 'between') throw new IngestError(`${f} ends before the array's closing ']': the file is truncated after row ${this.elements}.`);
  }
}

export async function parseJsonSource(src: FileSource, opts: IngestOptions = {}): Promise<Dataset> {
  const rows = new RecordRows(src.name, 'json', src.size, opts);
  const scanner = new JsonArrayScanner(src.name, (v, i) => rows.add(v, `row ${i}`));
  for await (const chunk of textChunks(src, (b) => rows.sink.progress(b))) scanner.push(chunk);
  scanner.end();
  rows.sink.progress(src.size, true);
  return rows.finish();
}

/** JSON Lines: one row per line, each small enough to JSON.parse on its own. */
export async function parseJsonlSource(src: FileSource, opts: IngestOptions = {}): Promise<Dataset> {
  const f = src.name;
  const rows = new RecordRows(f, 'jsonl', src.size, opts);
  let carry = '';
  let line = 0;
  const take = (text: string) => {
    line++;
    const t = text.trim();
    if (t === '') return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      rows.sink.bad(new IngestError(`${f}: line ${line} is not valid JSON (${(e as Error).message}).`, { row: rows.rows + 1 }));
      rows.rows++;
      return;
    }
    rows.add(value, `line ${line}`);
  };
  for await (const chunk of textChunks(src, (b) => rows.sink.progress(b))) {
    let from = 0;
    const text = carry + chunk;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      take(text.slice(from, nl));
      from = nl + 1;
    }
    carry = text.slice(from);
  }
  if (carry.length > 0) take(carry);
  if (rows.rows === 0) throw new IngestError(`${f} is empty.`);
  rows.sink.progress(src.size, true);
  return rows.finish();
}
