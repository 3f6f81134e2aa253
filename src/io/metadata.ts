import { RecordScanner } from './csv-records';
import { sniffDelimiter } from './csv';
import { IngestError, type MetaColumn } from './dataset';
import { textChunks, type FileSource } from './source';
import { toMetaColumn, type MetaValue } from './vector-sink';

/**
 * A metadata table for vectors read from another file (the Embedding Projector's metadata.tsv).
 * The Projector's rule: a header when there is more than one column; with one column, a header only
 * if the file has one line more than there are vectors.
 */
export async function parseMetadataSource(src: FileSource, n: number, vectorsName: string): Promise<MetaColumn[]> {
  const f = src.name;
  const records: string[][] = [];
  let scanner: RecordScanner | null = null;
  let pending = '';
  let width = -1;
  const onRecord = (fields: string[], line: number) => {
    if (fields.length === 1 && fields[0]!.trim() === '' && width !== 1) return;
    if (width < 0) width = fields.length;
    else if (fields.length !== width)
      throw new IngestError(`${f}: line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, but the first line has ${width}.`, { row: line });
    records.push(fields);
  };
  for await (const chunk of textChunks(src)) {
    if (scanner) scanner.push(chunk);
    else {
      pending += chunk;
      if (pending.length > 1 << 16) {
        scanner = new RecordScanner(/\.tsv$/i.test(f) ? '\t' : sniffDelimiter(pending), onRecord);
        scanner.push(pending);
        pending = '';
      }
    }
  }
  if (!scanner) {
    scanner = new RecordScanner(/\.tsv$/i.test(f) ? '\t' : sniffDelimiter(pending), onRecord);
    scanner.push(pending);
  }
  scanner.end();
  // A single-column file's final newline gives one empty record too.
  while (records.length > 0 && records[records.length - 1]!.every((c) => c.trim() === '')) records.pop();
  if (records.length === 0) throw new IngestError(`${f} is empty.`);
  const header = width > 1 || records.length === n + 1;
  const names = header ? records[0]!.map((h, j) => h.trim() || `column ${j + 1}`) : ['label'];
  const rows = header ? records.length - 1 : records.length;
  if (rows !== n)
    throw new IngestError(
      `${f} has ${rows} row${rows === 1 ? '' : 's'} of metadata${header ? ' (after its header)' : ''}, but ${vectorsName} has ${n} vectors; the two files must match row for row.`,
    );
  const start = header ? 1 : 0;
  return names.map((name, j) => {
    const values: MetaValue[] = new Array(rows);
    for (let i = 0; i < rows; i++) values[i] = records[start + i]![j]!.trim();
    return toMetaColumn(name, values);
  });
}
