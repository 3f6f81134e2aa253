import { IngestError, type Dataset } from './dataset';
import { detectSource } from './detect';
import { FORMATS, type FormatSpec } from './formats';
import type { FileSource } from './source';

/**
 * Turn the files a user picked into one Dataset: one data file, optionally with a labels file
 * (told apart by shape, e.g. a 1-D .npy next to a 2-D one, so the order of selection does not matter).
 */
export async function ingestSources(sources: FileSource[], formats: FormatSpec[] = FORMATS): Promise<Dataset> {
  if (sources.length === 0) throw new IngestError('No file was selected.');
  if (sources.length > 2) throw new IngestError(`Select one data file, optionally with one labels file (got ${sources.length} files).`);
  for (const s of sources) if (s.size === 0) throw new IngestError(`${s.name} is empty.`);

  const typed = await Promise.all(sources.map(async (src) => ({ src, fmt: await detectSource(src, formats) })));
  if (typed.length === 1) return typed[0]!.fmt.parse(typed[0]!.src);

  const withRoles = await Promise.all(typed.map(async (t) => ({ ...t, role: t.fmt.role ? await t.fmt.role(t.src) : ('data' as const) })));
  const data = withRoles.filter((t) => t.role === 'data');
  const labels = withRoles.filter((t) => t.role === 'labels');
  if (data.length !== 1 || labels.length !== 1 || !labels[0]!.fmt.parseLabels) {
    const names = sources.map((s) => s.name).join(' and ');
    throw new IngestError(`Cannot tell which of ${names} holds the vectors and which the labels: give a 2-D .npy of vectors and a 1-D .npy of labels.`);
  }
  const [ds, lab] = await Promise.all([data[0]!.fmt.parse(data[0]!.src), labels[0]!.fmt.parseLabels!(labels[0]!.src)]);
  if (lab.labels.length !== ds.n)
    throw new IngestError(`${lab.fileName} has ${lab.labels.length} labels but ${ds.fileName} has ${ds.n} rows; they must match one to one.`);
  return { ...ds, labels: lab.labels, labelName: stem(lab.fileName) };
}

function stem(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
