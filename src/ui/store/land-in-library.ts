// A transform that completes while another map is shown (or none) still lands on its own map: the
// library entry of its fit gains the batch, so the map opens with it later. The batch is placed as
// on the map shown (map-batches.ts placeBatch), over the stored map as the library opens it.
import { defaultMinClusterSize } from '../../jobs/engine-api';
import { listMaps, readMap, saveMap } from '../../jobs/map-library';
import type { MetaColumn } from '../../io/dataset';
import { normalizeToUnitSquare } from '../normalize';
import { joinMapFile, splitMapFile } from './map-batch-file';
import { checkBatch, fittedPredictor, placeBatch, type MapBatch, type PlacedPoints } from './map-batches';

/**
 * Add the batch to the library entry of fit `placed.parent`. Returns the batch as stored, or null when
 * the library holds no map of that fit (deleted since: the result stays in the Jobs panel). `id`: the
 * transform job that placed it, the batch's id in the entry (a batch landed twice is kept once).
 */
export async function landInLibrary(placed: PlacedPoints, name: string, metadata: MetaColumn[], id: string): Promise<{ entryId: string; mapName: string; batch: MapBatch } | null> {
  const entry = (await listMaps()).find((e) => e.jobId === placed.parent);
  if (!entry) return null;
  const { map } = await readMap(entry.id);
  const { fitted, batches } = splitMapFile(map);
  const nc = fitted.nComponents;
  const n = fitted.coords.length / nc;
  checkBatch(placed, n, nc, metadata);
  const labels = fitted.clusters?.length === n ? fitted.clusters : null;
  const shown = normalizeToUnitSquare(fitted.coords, nc);
  const predictor = labels ? fittedPredictor(shown.x, shown.y, labels, fitted.minClusterSize ?? defaultMinClusterSize(n)) : null;
  const batch = placeBatch(predictor, fitted.coords, placed, name.trim() || `batch ${batches.length + 1}`, metadata, id);
  // Only the batch is this writer's: the entry's map as stored (its clusters, batches another tab
  // added since the read above) stays, and the batch goes after them.
  const entryId = await saveMap(joinMapFile(fitted, [...batches, batch]), { libraryId: entry.id, batchesOnly: true });
  return entryId ? { entryId, mapName: entry.name, batch } : null;
}
