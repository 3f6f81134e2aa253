import { columnNames, rowCount, rowIndex, validateTable, type ExportTable } from './table';

/**
 * A .npy (format 1.0) structured array, one record per row: float32 coordinates, int32 cluster id
 * and batch, float64 numeric metadata, fixed-width unicode ('<U', UTF-32) text metadata, then the row id (int32 source row, or the picked column). `np.load(f)['x']`
 * gives a column; the names match the CSV header.
 */
export function toNpy(t: ExportTable): Uint8Array {
  validateTable(t);
  const names = columnNames(t);
  const fields: Field[] = [];
  const k = t.nComponents;
  for (let c = 0; c < k; c++) fields.push({ name: names[c]!, descr: '<f4', size: 4, write: (dv, o, i) => dv.setFloat32(o, t.coords[i * k + c]!, true) });
  let next = k;
  if (t.clusters) {
    const cl = t.clusters;
    fields.push({ name: names[next++]!, descr: '<i4', size: 4, write: (dv, o, i) => dv.setInt32(o, cl[i]!, true) });
  }
  if (t.batch) {
    const b = t.batch;
    fields.push({ name: names[next++]!, descr: '<i4', size: 4, write: (dv, o, i) => dv.setInt32(o, b[i]!, true) });
  }
  for (const m of t.meta) fields.push(valueField(t, names[next++]!, m.values));
  if (t.id) {
    const v = t.id.values;
    if (v instanceof Int32Array) fields.push({ name: names[next]!, descr: '<i4', size: 4, write: (dv, o, i) => dv.setInt32(o, v[i]!, true) });
    else fields.push(valueField(t, names[next]!, v));
  }
  const n = rowCount(t);
  const descr = `[${fields.map((f) => `(${pyString(f.name)}, '${f.descr}')`).join(', ')}]`;
  const header = npyHeader(descr, n);
  const recordSize = fields.reduce((s, f) => s + f.size, 0);
  const out = new Uint8Array(header.length + n * recordSize);
  out.set(header, 0);
  const dv = new DataView(out.buffer, header.length);
  for (let r = 0; r < n; r++) {
    const i = rowIndex(t, r);
    let off = r * recordSize;
    for (const f of fields) {
      f.write(dv, off, i);
      off += f.size;
    }
  }
  return out;
}

interface Field {
  name: string;
  descr: string;
  size: number;
  write: (dv: DataView, off: number, i: number) => void;
}

/** A metadata (or picked id) column: float64 numbers, or fixed-width UTF-32 text as wide as its longest value. */
function valueField(t: ExportTable, name: string, v: Float64Array | string[]): Field {
  if (v instanceof Float64Array) return { name, descr: '<f8', size: 8, write: (dv, o, i) => dv.setFloat64(o, v[i]!, true) };
  let width = 1;
  for (let r = 0; r < rowCount(t); r++) width = Math.max(width, [...(v[rowIndex(t, r)] ?? '')].length);
  return {
    name,
    descr: `<U${width}`,
    size: 4 * width,
    write: (dv, o, i) => {
      let p = o;
      for (const ch of v[i] ?? '') {
        dv.setUint32(p, ch.codePointAt(0)!, true);
        p += 4;
      }
    },
  };
}

/** Column names are ASCII-escaped Python string literals, so any name survives the header. */
function pyString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/** Version 1.0 header, padded with spaces so the data starts on a 64-byte boundary. */
function npyHeader(descr: string, n: number): Uint8Array {
  const dict = `{'descr': ${descr}, 'fortran_order': False, 'shape': (${n},), }`;
  const unpadded = 10 + dict.length + 1;
  const text = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (text.length > 0xffff) throw new Error('Too many columns for a .npy header.');
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}
