// One fuzz case through the ingest Worker's own entry (ingestSources over in-memory FileSources) and
// the judgement of how it ended: a correct parse, a refusal with a named message, or a defect.
import { IngestError, ingestSources, memorySource, type Dataset, type IngestOptions } from '../../src/io';
import { measure, type AllocStats } from './alloc-guard';

export interface FuzzFile {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzCase {
  /** What was done to which fixture, for the report. */
  what: string;
  files: FuzzFile[];
  opts?: IngestOptions;
  /** Read in chunks of this many bytes (the Worker reads a File in 64 KB ones). */
  chunk?: number;
}

export type Outcome = { kind: 'parsed'; n: number; d: number } | { kind: 'refused'; message: string } | { kind: 'defect'; why: string };

/** A case still pending after this long is hung (on an async wait; the watchdog catches sync loops). */
const CASE_TIMEOUT_MS = 20_000;

/**
 * Memory that a case may ask for: a fixed floor (the 16 MB row chunk every text parse starts with,
 * decoders' scratch) plus a multiple of the bytes really given. Compressed inputs expand, so the
 * multiple is generous; a declared shape of 10^12 rows is far above it.
 */
export function allocLimit(inputBytes: number): number {
  return 64 * 2 ** 20 + 64 * inputBytes;
}

const RAW_ERRORS = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError', 'EvalError', 'URIError']);

function checkDataset(ds: Dataset): string | null {
  if (!(ds.n >= 2) || !(ds.d >= 1)) return `parsed to ${ds.n} × ${ds.d}`;
  if (ds.data.length !== ds.n * ds.d) return `parsed ${ds.n} × ${ds.d} but holds ${ds.data.length} values`;
  for (let i = 0; i < ds.data.length; i++) if (!Number.isFinite(ds.data[i]!)) return `value ${i} is ${ds.data[i]}`;
  if (ds.columns.length !== ds.d) return `${ds.columns.length} column names for d = ${ds.d}`;
  for (const m of ds.metadata ?? []) if (m.values.length !== ds.n) return `metadata '${m.name}' has ${m.values.length} values for ${ds.n} rows`;
  if (ds.labels && ds.labels.length !== ds.n) return `${ds.labels.length} labels for ${ds.n} rows`;
  return null;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.slice(0, 300)}${e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return `threw ${typeof e} ${String(e).slice(0, 200)}`;
}

function judge(result: { value: Dataset } | { error: unknown }, alloc: AllocStats, inputBytes: number): Outcome {
  const limit = allocLimit(inputBytes);
  if (alloc.largest > limit || alloc.total > 4 * limit) return { kind: 'defect', why: `allocated ${alloc.largest} bytes at once (${alloc.total} in all) for ${inputBytes} bytes of input` };
  if ('value' in result) {
    const bad = checkDataset(result.value);
    return bad ? { kind: 'defect', why: `a wrong parse: ${bad}` } : { kind: 'parsed', n: result.value.n, d: result.value.d };
  }
  const e = result.error;
  if (e instanceof IngestError) {
    if (e.message.trim().length < 10) return { kind: 'defect', why: `an IngestError without a real message: '${e.message}'` };
    return { kind: 'refused', message: e.message };
  }
  if (e instanceof Error && RAW_ERRORS.has(e.name)) return { kind: 'defect', why: `a raw ${describe(e)}` };
  return { kind: 'defect', why: `not an IngestError: ${describe(e)}` };
}

/** Run one case to its end, or to CASE_TIMEOUT_MS. */
export async function runCase(c: FuzzCase): Promise<Outcome> {
  const inputBytes = c.files.reduce((s, f) => s + f.bytes.length, 0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), CASE_TIMEOUT_MS);
  });
  const run = measure(() =>
    ingestSources(
      c.files.map((f) => memorySource(f.name, f.bytes, c.chunk)),
      c.opts ?? {},
    ),
  );
  const r = await Promise.race([run, hung]);
  clearTimeout(timer);
  if (r === 'hung') return { kind: 'defect', why: `no result after ${CASE_TIMEOUT_MS} ms (a hang)` };
  return judge(r, r.alloc, inputBytes);
}
