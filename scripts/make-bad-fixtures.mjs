// Writes the malformed-file corpus in e2e/fixtures/bad/ (checked in; rerun after changing it).
// Each file has one problem; e2e/bad-files.spec.ts lists the message each must produce.
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetSchema } from './lib/embedding-formats.mjs';

const dir = new URL('../e2e/fixtures/bad/', import.meta.url);
const put = (name, data) => writeFileSync(new URL(name, dir), data);

/** A .npy file with an arbitrary header text (so headers can lie) and raw body bytes. */
function npy(headerDict, body, version = 1) {
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + headerDict.length + 1) / 64) * 64;
  const header = headerDict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + body.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), total);
  return out;
}
const f4 = (n) => new Float32Array(n).map((_, i) => (i * 7) % 5);

put('bad-magic.npy', new TextEncoder().encode('NUMPY? no, a text file pretending to be .npy\n'));
put('shape-lie.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", f4(15)));
put('object.npy', npy("{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(32)));
put('structured.npy', npy("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (3,), }", f4(6)));
put('big-endian.npy', npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", new Float64Array(4)));
put('one-row.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", f4(4), 2));
put('short-labels.npy', npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new BigInt64Array([1n, 2n, 3n])));

put('inf.csv', 'a,b,c\n1,2,3\n4,inf,6\n7,8,9\n');
put('non-numeric.csv', 'x,y,z\n1,2,3\n4,5,6\n7,abc,9\n');
put('quoted-newline.csv', 'x,y,note\n1,2,plain\n3,4,"two\nlines"\n5,oops,after\n6,7,end\n');
put('bom-header-only.csv', '\uFEFFx,y,z\r\n');
put('one-row.csv', 'x,y,label\n1,2,a\n');
put('text-only.csv', 'name,colour\nfoo,red\nbar,blue\n');
put('semicolon-ragged.txt', 'a;b;c\n1;2;3\n4;5\n6;7;8\n');
{
  const d = 16385;
  const header = Array.from({ length: d }, (_, j) => `f${j}`).join(',');
  const row = Array.from({ length: d }, (_, j) => j % 3).join(',');
  put('too-wide.csv', `${header}\n${row}\n${row}\n`);
}
put('mixed-lengths.json', '[[1, 2, 3], [4, 5, 6], [7, 8], [9, 10, 11]]\n');
put('object-top.json', '{"embeddings": [[1, 2], [3, 4]]}\n');
put('truncated.json', '[{"embedding": [1, 2, 3], "label": "a"}, {"embedding": [4, 5');
put('no-vector-field.json', '[{"id": 1, "text": "hello"}, {"id": 2, "text": "world"}]\n');
put('bad-line.jsonl', '{"vector": [1, 2], "label": "a"}\n{"vector": [3, 4], "label": "b"\n{"vector": [5, 6], "label": "c"}\n');
put('null-in-vector.jsonl', '[1, 2, 3]\n[4, 5, 6]\n[7, null, 9]\n[1, 1, 1]\n');
put(
  'no-list-column.parquet',
  new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1, 2, 3], type: 'INT32' },
        { name: 'text', data: ['a', 'b', 'c'], type: 'STRING' },
      ],
    }),
  ),
);
put('not-parquet.parquet', 'PAR1 this is not really a parquet file, only its first four bytes are\n');
put(
  'string-list.parquet',
  new Uint8Array(
    parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      columnData: [{ name: 'tags', data: [['a'], ['b', 'c']] }],
    }),
  ),
);
void parquetSchema;
put('mismatch.vectors.tsv', '1\t2\t3\n4\t5\t6\n7\t8\t9\n1\t0\t1\n');
put('mismatch.metadata.tsv', 'label\tsource\na\tx\nb\ty\nc\tz\n');
put('ragged.vectors.tsv', '1\t2\t3\n4\t5\t6\n7\t8\t9\n1\t0\t1\n');
put('ragged.metadata.tsv', 'label\tsource\na\tx\nb\nc\tz\nd\tw\n');
put('sheet.xlsx', 'PK not really a spreadsheet');
// Good-enough data with problems that only warrant warnings or an offer to drop rows.
put('identical.csv', 'a,b,c\n' + '1,2,3\n'.repeat(20));
put(
  'nan-rows.csv',
  'x,y,z,label\n' + Array.from({ length: 20 }, (_, i) => (i === 4 ? `1,NaN,3,q\n` : i === 11 ? `2,3\n` : `${i},${(i * 7) % 11},${i % 3},${i % 2 ? 'odd' : 'even'}\n`)).join(''),
);
console.log('wrote the malformed-file corpus to', dir.pathname);
