// The map shown follows its library entry: when the entry gains batches elsewhere (another tab adds or
// lands points on the same map, or a batch landed while this copy was being read from the library),
// they appear here too, without a reload and without moving the view. The library list, re-read on
// every change in any tab (BroadcastChannel 'mapstream-library'), carries each entry's batch ids, so
// only a map that really gained a batch is read again.
import { createEffect, untrack } from 'solid-js';
import { messageOf } from '../../io/error-message';
import { readMap } from '../../jobs/map-library';
import type { LibraryStore } from './library-store';
import { splitMapFile } from './map-batch-file';
import type { MapBatch } from './map-batches';
import type { MapStore } from './map-store';

/** `arrived`: told of the batches that appeared, so the page can say so. */
export function followLibraryEntry(map: MapStore, library: LibraryStore, arrived: (list: MapBatch[]) => void): void {
  // The entry version being read, so a list re-read meanwhile does not read it twice.
  let reading: string | null = null;

  const pickUp = async (id: string, key: string) => {
    const fitted = untrack(map.coords);
    try {
      const { map: file } = await readMap(id);
      // Another map shown since, or the entry now holds another map: nothing of it belongs here.
      if (!fitted || untrack(map.libraryEntry) !== id || untrack(map.coords) !== fitted) return;
      const { fitted: stored, batches } = splitMapFile(file);
      if (!sameBits(stored.coords, fitted)) return;
      const fresh = map.batches.append(batches);
      if (fresh.length > 0) arrived(fresh);
    } catch (err) {
      console.warn(`mapstream: points added to this map elsewhere could not be shown: ${messageOf(err)}`);
    } finally {
      if (reading === key) reading = null;
    }
  };

  createEffect(() => {
    const id = map.libraryEntry();
    const entry = id ? library.entries().find((e) => e.id === id) : undefined;
    // A batch takes its place in the clusters shown: wait until the map shown has final ones.
    const c = map.clustering.clusters();
    if (!entry?.batchIds || !c?.final || c.labels.length !== map.n()) return;
    const shown = new Set(map.batches.batches().map((b) => b.id));
    if (entry.batchIds.every((b) => shown.has(b))) return;
    const key = `${entry.id}@${entry.updatedAt}`;
    if (reading === key) return;
    reading = key;
    void pickUp(entry.id, key);
  });
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
