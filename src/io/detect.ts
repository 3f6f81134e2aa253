import { IngestError } from './dataset';
import { FORMATS, csvFormat, type FormatSpec } from './formats';
import type { FileSource } from './source';

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot).toLowerCase() : '';
}

/** Pick a format by magic bytes first (names lie more often than bytes), then by extension. */
export function detectFormat(name: string, head: Uint8Array, formats: FormatSpec[] = FORMATS): FormatSpec {
  for (const f of formats) if (f.sniff?.(head)) return f;
  const ext = extensionOf(name);
  const byExt = formats.find((f) => f.extensions.includes(ext));
  if (byExt) return byExt;
  // Unknown extension but readable text: CSV is the most common way embeddings get exported.
  if (ext === '') return csvFormat;
  const known = formats.flatMap((f) => f.extensions).join(', ');
  throw new IngestError(`${name}: unrecognised file type '${ext}'. mapstream reads ${known}.`);
}

export async function detectSource(src: FileSource, formats: FormatSpec[] = FORMATS): Promise<FormatSpec> {
  return detectFormat(src.name, await src.head(Math.min(src.size, 16)), formats);
}
