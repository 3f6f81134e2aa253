// fast-check arbitraries for one parser's fuzz cases: random bytes (bare, or behind the format's magic
// so the parser itself is reached), truncations of a good fixture at any offset, and bit flips and
// byte insertions in the parts that describe the rest (headers, footers, the first lines).
import fc from 'fast-check';
import type { Fixture } from './corpus';
import type { FuzzCase } from './run-case';

export interface ParserSpec {
  id: string;
  /** File name random bytes are given under. */
  randomName: string;
  /** First bytes that make the reader take random bytes for its format. */
  magic?: Uint8Array;
  /** Byte ranges [start, end) that hold the file's structure. */
  header(bytes: Uint8Array): [number, number][];
}

const first =
  (k: number) =>
  (b: Uint8Array): [number, number][] => [[0, Math.min(k, b.length)]];
const ends =
  (k: number) =>
  (b: Uint8Array): [number, number][] => [
    [0, Math.min(k, b.length)],
    [Math.max(0, b.length - k), b.length],
  ];
const ascii = (s: string) => new TextEncoder().encode(s);

/** The .npy header ends where its length field says; fuzz through it and a little past. */
function npyHeader(b: Uint8Array): [number, number][] {
  if (b.length < 12) return [[0, b.length]];
  const v = b[6] === 1 ? 10 + (b[8]! | (b[9]! << 8)) : 12 + (b[8]! | (b[9]! << 8) | (b[10]! << 16));
  return [[0, Math.min(b.length, v + 16)]];
}

export const PARSERS: ParserSpec[] = [
  { id: 'npy', randomName: 'r.npy', magic: Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0), header: npyHeader },
  { id: 'npz', randomName: 'r.npz', magic: Uint8Array.of(0x50, 0x4b, 0x03, 0x04), header: ends(160) },
  { id: 'gzip', randomName: 'r.csv.gz', magic: Uint8Array.of(0x1f, 0x8b, 8, 0), header: ends(40) },
  { id: 'csv', randomName: 'r.csv', header: first(256) },
  { id: 'tsv', randomName: 'r.tsv', header: first(256) },
  { id: 'json', randomName: 'r.json', magic: ascii('[['), header: first(256) },
  { id: 'jsonl', randomName: 'r.jsonl', magic: ascii('{"embedding":['), header: first(256) },
  { id: 'parquet-list', randomName: 'r.parquet', magic: ascii('PAR1'), header: ends(700) },
  { id: 'parquet-wide', randomName: 'r.parquet', magic: ascii('PAR1'), header: ends(700) },
  { id: 'arrow', randomName: 'r.arrow', magic: ascii('ARROW1\0\0'), header: ends(400) },
  { id: 'lz4-frame', randomName: 'r.feather', magic: ascii('ARROW1\0\0'), header: ends(600) },
  { id: 'metadata', randomName: 'metadata.tsv', header: first(256) },
];

const CHUNKS = [1, 7, 333, 4096, 1 << 16];

/** Small inputs are also read a byte at a time; big ones in chunks that keep a case quick. */
const chunkArb = fc.constantFrom(...CHUNKS);

function pickRegion(regions: [number, number][], r: number, at: number): number {
  const [a, b] = regions[r % regions.length]!;
  return b > a ? a + (at % (b - a)) : a;
}

function withTarget(fx: Fixture, bytes: Uint8Array): FuzzCase['files'] {
  return fx.files.map((file, i) => (i === fx.target ? { name: file.name, bytes } : file));
}

/** Every kind of case for one parser over its fixtures. */
export function caseArb(spec: ParserSpec, fixtures: Fixture[]): fc.Arbitrary<FuzzCase> {
  const fx = fc.nat({ max: fixtures.length - 1 }).map((i) => fixtures[i]!);
  const chunkFor = (len: number, c: number) => (len > 20_000 && c < 333 ? 333 : c);
  const random = fc.record({ bytes: fc.uint8Array({ maxLength: 3000 }), magic: fc.boolean(), chunk: chunkArb }).map(({ bytes, magic, chunk }): FuzzCase => {
    const m = magic && spec.magic ? spec.magic : new Uint8Array(0);
    const body = new Uint8Array(m.length + bytes.length);
    body.set(m);
    body.set(bytes, m.length);
    const files = spec.id === 'metadata' ? [{ name: 'vectors.tsv', bytes: ascii('1\t2\n3\t4\n5\t6\n') }] : [];
    return { what: `${body.length} random bytes${magic && spec.magic ? ' after the magic' : ''} as ${spec.randomName}`, files: [...files, { name: spec.randomName, bytes: body }], chunk };
  });
  const truncate = fc.record({ fx, at: fc.nat(), chunk: chunkArb }).map(({ fx, at, chunk }): FuzzCase => {
    const src = fx.files[fx.target]!;
    const cut = at % Math.max(1, src.bytes.length);
    return { what: `${src.name} truncated to ${cut} of ${src.bytes.length} bytes`, files: withTarget(fx, src.bytes.slice(0, cut)), chunk: chunkFor(cut, chunk) };
  });
  const flip = fc
    .record({ fx, flips: fc.array(fc.record({ r: fc.nat(), at: fc.nat(), bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 4 }), chunk: chunkArb })
    .map(({ fx, flips, chunk }): FuzzCase => {
      const src = fx.files[fx.target]!;
      const out = src.bytes.slice();
      const regions = spec.header(out);
      const where: string[] = [];
      for (const { r, at, bit } of flips) {
        const p = pickRegion(regions, r, at);
        if (p >= out.length) continue;
        out[p]! ^= 1 << bit;
        where.push(`${p}.${bit}`);
      }
      return { what: `${src.name} with bits flipped at ${where.join(', ')}`, files: withTarget(fx, out), chunk: chunkFor(out.length, chunk) };
    });
  const insert = fc.record({ fx, r: fc.nat(), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }), chunk: chunkArb }).map(({ fx, r, at, bytes, chunk }): FuzzCase => {
    const src = fx.files[fx.target]!;
    const p = Math.min(src.bytes.length, pickRegion(spec.header(src.bytes), r, at));
    const out = new Uint8Array(src.bytes.length + bytes.length);
    out.set(src.bytes.subarray(0, p));
    out.set(bytes, p);
    out.set(src.bytes.subarray(p), p + bytes.length);
    return { what: `${src.name} with ${bytes.length} bytes [${Array.from(bytes).join(' ')}] inserted at ${p}`, files: withTarget(fx, out), chunk: chunkFor(out.length, chunk) };
  });
  return fc.oneof(random, truncate, flip, insert);
}
