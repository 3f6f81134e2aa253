/**
 * The malformed-file corpus (e2e/fixtures/bad/, written by scripts/make-bad-fixtures.mjs) and the
 * message each file must produce. Files are given together when the problem is between them;
 * "demo:" names a file of the bundled digits demo.
 */
export interface BadCase {
  files: string[];
  message: RegExp;
}

export const BAD_CASES: BadCase[] = [
  // .npy
  { files: ['truncated.npy'], message: /truncated\.npy is truncated: .*needs 128 bytes of data, but the file has only 108/ },
  { files: ['bad-magic.npy'], message: /bad-magic\.npy is not a \.npy file: it does not start with the \\x93NUMPY magic string/ },
  { files: ['shape-lie.npy'], message: /shape-lie\.npy: its header says shape \(4, 3\) of <f4, which is 48 bytes of data, but the file has 60; the header's shape is wrong/ },
  { files: ['int64.npy'], message: /int64\.npy: unsupported dtype '<i8'; .*int64 only as labels/ },
  { files: ['object.npy'], message: /object\.npy: unsupported dtype '\|O' \(Python objects cannot be read outside Python\)/ },
  { files: ['structured.npy'], message: /structured\.npy holds a structured \(record\) dtype/ },
  { files: ['big-endian.npy'], message: /big-endian\.npy: unsupported dtype '>f8'/ },
  { files: ['one-row.npy'], message: /one-row\.npy has only 1 row; a map needs at least 2 points/ },
  { files: ['short-labels.npy', 'demo:digits.npy'], message: /short-labels\.npy has 3 labels but digits\.npy has 1797 rows/ },
  // CSV / TSV / text
  { files: ['empty.csv'], message: /empty\.csv is empty/ },
  { files: ['ragged.csv'], message: /ragged\.csv: row 3 \(line 4\) has 2 fields, but the header has 3/ },
  { files: ['nan.csv'], message: /nan\.csv: NaN at row 4 \(line 5\), column 'y'/ },
  { files: ['inf.csv'], message: /inf\.csv: infinite value 'inf' at row 2 \(line 3\), column 'b'/ },
  { files: ['non-numeric.csv'], message: /non-numeric\.csv: non-numeric value 'abc' at row 3 \(line 4\), column 'y'/ },
  // The quoted newline in row 2 must not throw the line count off: the bad value is on line 5.
  { files: ['quoted-newline.csv'], message: /quoted-newline\.csv: non-numeric value 'oops' at row 3 \(line 5\), column 'y'/ },
  { files: ['bom-header-only.csv'], message: /bom-header-only\.csv has a header row but no data rows/ },
  { files: ['one-row.csv'], message: /one-row\.csv has only 1 row/ },
  { files: ['text-only.csv'], message: /text-only\.csv has no numeric columns to use as the vector/ },
  { files: ['semicolon-ragged.txt'], message: /semicolon-ragged\.txt: row 2 \(line 3\) has 2 fields, but the header has 3/ },
  { files: ['too-wide.csv'], message: /too-wide\.csv: the vectors have 16385 dimensions .*above the limit of 16384/ },
  { files: ['nan-rows.csv'], message: /nan-rows\.csv: NaN at row 5 \(line 6\), column 'y'.* 2 rows in all have problems like this/ },
  // Projector pair
  { files: ['mismatch.vectors.tsv', 'mismatch.metadata.tsv'], message: /mismatch\.metadata\.tsv has 3 rows of metadata \(after its header\), but mismatch\.vectors\.tsv has 4 vectors/ },
  { files: ['ragged.metadata.tsv', 'ragged.vectors.tsv'], message: /ragged\.metadata\.tsv: line 3 has 1 field, but the first line has 2/ },
  { files: ['ten-rows.csv', 'nan.csv'], message: /Cannot tell which of ten-rows\.csv, nan\.csv holds the vectors/ },
  // JSON / JSONL
  { files: ['mixed-lengths.json'], message: /mixed-lengths\.json: row 3 has a vector of 2 values, but the first row has 3/ },
  { files: ['object-top.json'], message: /object-top\.json: a JSON file must hold an array of rows/ },
  { files: ['truncated.json'], message: /truncated\.json ends inside row 2: the file is truncated/ },
  { files: ['no-vector-field.json'], message: /no-vector-field\.json: no field of the first row holds an array of numbers \(fields: id, text\)/ },
  { files: ['bad-line.jsonl'], message: /bad-line\.jsonl: line 2 is not valid JSON/ },
  { files: ['null-in-vector.jsonl'], message: /null-in-vector\.jsonl: line 3, vector element 2 is null, not a number/ },
  // Parquet
  {
    files: ['no-list-column.parquet'],
    message: /no-list-column\.parquet has no column that is a list of numbers and no numeric columns to use as the vector \(its columns: id \(INT32\), text \(BYTE_ARRAY \w+\)\)/,
  },
  { files: ['string-list.parquet'], message: /string-list\.parquet: column 'tags' \(list\) is neither a number nor text/ },
  { files: ['not-parquet.parquet'], message: /not-parquet\.parquet is not a readable Parquet file/ },
  // Anything else
  { files: ['sheet.xlsx'], message: /sheet\.xlsx: unrecognised file type '\.xlsx'/ },
];
