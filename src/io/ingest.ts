import { extractCoords, previewCoords } from './coords';
import { IngestError, type Dataset, type IngestOptions, type MetaColumn } from './dataset';
import { detectSource } from './detect';
import { FORMATS, type FileRole, type FormatSpec } from './formats';
import { parseMetadataSource } from './metadata';
import type { FileSource } from './source';
import { applyLabelColumn } from './vector-sink';

interface Typed {
  src: FileSource;
  fmt: FormatSpec;
  role: FileRole;
}

/** The first line of a text file is all numbers: vectors without a header (Projector vectors.tsv). */
async function firstLineNumeric(src: FileSource): Promise<boolean> {
  const head = new TextDecoder().decode(await src.head(Math.min(src.size, 1 << 16)));
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const cells = line.split(/[\t,;| ]+/).filter((c) => c !== '');
  return cells.length > 0 && cells.every((c) => !Number.isNaN(Number(c)));
}

/**
 * Turn the files a user picked into one Dataset: one data file, optionally with a labels file (a
 * 1-D .npy) and/or a metadata table (the Embedding Projector's metadata.tsv), told apart by shape
 * and name so the order of selection does not matter.
 */
export async function ingestSources(sources: FileSource[], opts: IngestOptions = {}, formats: FormatSpec[] = FORMATS): Promise<Dataset> {
  if (sources.length === 0) throw new IngestError('No file was selected.');
  for (const s of sources) if (s.size === 0) throw new IngestError(`${s.name} is empty.`);

  const typed: Typed[] = await Promise.all(
    sources.map(async (src) => {
      const fmt = await detectSource(src, formats);
      const role = sources.length > 1 && fmt.role ? await fmt.role(src) : ('data' as const);
      return { src, fmt, role };
    }),
  );
  // Two text tables and neither named "metadata": the one with a non-numeric first line describes the other.
  const textData = typed.filter((t) => t.role === 'data' && (t.fmt.id === 'csv' || t.fmt.id === 'tsv'));
  if (textData.length === 2) {
    const numeric = await Promise.all(textData.map((t) => firstLineNumeric(t.src)));
    if (numeric[0] !== numeric[1]) textData[numeric[0] ? 1 : 0]!.role = 'metadata';
  }
  const data = typed.filter((t) => t.role === 'data');
  const labels = typed.filter((t) => t.role === 'labels');
  const meta = typed.filter((t) => t.role === 'metadata');
  const names = sources.map((s) => s.name).join(', ');
  if (data.length !== 1 || labels.length > 1 || meta.length > 1 || (labels.length === 1 && !labels[0]!.fmt.parseLabels)) {
    throw new IngestError(
      data.length === 0
        ? `None of ${names} holds the vectors: give one vectors file (optionally with a 1-D labels .npy or a metadata .tsv/.csv).`
        : `Cannot tell which of ${names} holds the vectors: give one vectors file, optionally with one 1-D labels .npy and/or one metadata .tsv/.csv (the Projector's vectors.tsv + metadata.tsv).`,
    );
  }
  const main = data[0]!;
  const onPreview = opts.onPreview;
  let ds = await main.fmt.parse(main.src, onPreview ? { ...opts, onPreview: (p) => onPreview(previewCoords(p)) } : opts);
  const extra: MetaColumn[] = [];
  let labelName: string | undefined;
  if (labels.length === 1) {
    const lab = await labels[0]!.fmt.parseLabels!(labels[0]!.src);
    if (lab.labels.length !== ds.n) throw new IngestError(`${lab.fileName} has ${lab.labels.length} labels but ${ds.fileName} has ${ds.n} rows; they must match one to one.`);
    labelName = stem(lab.fileName);
    extra.push({ name: labelName, values: lab.labels });
  }
  if (meta.length === 1) {
    if (ds.droppedRows) throw new IngestError(`${ds.fileName} had ${ds.droppedRows} bad rows dropped, so its rows no longer line up with ${meta[0]!.src.name}; fix the bad rows instead.`);
    const cols = await parseMetadataSource(meta[0]!.src, ds.n, ds.fileName);
    extra.push(...cols);
    if (main.fmt.id === 'tsv' || main.fmt.id === 'csv') ds = { ...ds, format: 'projector' };
  }
  if (extra.length > 0) ds = { ...ds, metadata: [...extra, ...(ds.metadata ?? [])] };
  // After the labels file joined: an (n, 2) array's map takes its labels with it.
  return extractCoords(applyLabelColumn(ds, labelName));
}

function stem(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
