import { detectFormat, FORMATS, type FormatSpec } from './formats';
import type { FileSource } from './source';

export { detectFormat };

export async function detectSource(src: FileSource, formats: FormatSpec[] = FORMATS): Promise<FormatSpec> {
  return detectFormat(src.name, await src.head(Math.min(src.size, 16)), formats);
}
