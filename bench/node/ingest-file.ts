// The bench's way into the app's parsers: any supported format on disk becomes the .npy pair the
// bench feeds every implementation, through the same src/io code as the ingest Worker, so a bad
// file gets the very message the UI shows.
import { ingestSources, type IngestOptions } from '../../src/io';
import { encodeNpy } from '../npy-writer';
import { diskSource, fsp } from './disk-source';
import { labelCodes } from './npy-file';

export interface IngestedFiles {
  data: string;
  labels: string | null;
  /** The labels as read, before coding: new points' labels are coded together with the fitted ones'. */
  labelValues: string[] | null;
  n: number;
  d: number;
  warnings: string[];
}

/**
 * Parse `paths` (a data file, optionally with a metadata/labels file) and write `${outStem}.npy`
 * (float32) and, when there are labels, `${outStem}.labels.npy` (int32 codes in first-seen order).
 */
export async function ingestFilesToNpy(paths: string[], outStem: string, opts: Pick<IngestOptions, 'dropBadRows' | 'maxDim'>): Promise<IngestedFiles> {
  const fs = await fsp();
  const ds = await ingestSources(await Promise.all(paths.map(diskSource)), opts);
  await fs.writeFile(`${outStem}.npy`, encodeNpy(ds.data, [ds.n, ds.d]));
  let labels: string | null = null;
  if (ds.labels) {
    labels = `${outStem}.labels.npy`;
    await fs.writeFile(labels, encodeNpy(labelCodes(ds.labels), [ds.n]));
  }
  return { data: `${outStem}.npy`, labels, labelValues: ds.labels ? [...ds.labels] : null, n: ds.n, d: ds.d, warnings: ds.warnings ?? [] };
}
