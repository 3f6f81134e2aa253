// A library map's batches are append-only across writers (issue 12, "librace"): two tabs that each
// hold a copy of one entry and write it, in any interleaving, keep every batch either added. Each
// "tab" is its own instance of the library module (its own connection and write queue) over one
// fake-indexeddb, as two pages of one origin are over one IndexedDB.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseMapFile, toMapFileParts, type MapFile } from '../src/export/map-file';
import { joinMapFile, splitMapFile } from '../src/ui/store/map-batch-file';
import type { MapBatch } from '../src/ui/store/map-batches';

type Library = typeof import('../src/jobs/map-library');

/** A fresh instance of the library module: another tab. */
async function tab(): Promise<Library> {
  vi.resetModules();
  return import('../src/jobs/map-library');
}

const N = 40;
function fitted(clusterShift = 0): MapFile {
  return {
    nComponents: 2,
    coords: Float32Array.from({ length: N * 2 }, (_, i) => Math.sin(i) * 10),
    labels: Array.from({ length: N }, (_, i) => `l${i % 3}`),
    labelName: 'label',
    clusters: Int32Array.from({ length: N }, (_, i) => (i + clusterShift) % 4),
    minClusterSize: 5,
    params: { nNeighbors: 15 },
    meta: [
      { name: 'score', values: Float64Array.from({ length: N }, (_, i) => i) },
      { name: 'note', values: Array.from({ length: N }, (_, i) => `fit-${i}`) },
    ],
    name: 'photos.npy',
  };
}

function batch(id: string, m: number, at: number): MapBatch {
  return {
    id,
    name: `${id}.csv`,
    coords: Float32Array.from({ length: m * 2 }, (_, i) => at + i / 10),
    m,
    clusters: Int32Array.from({ length: m }, (_, i) => (i % 2 === 0 ? 1 : -1)),
    metadata: [
      { name: 'note', values: Array.from({ length: m }, (_, i) => `${id}-${i}`) },
      { name: 'label', values: Array.from({ length: m }, () => `from ${id}`) },
    ],
    advice: [],
  };
}

/** The stored map's batches: id, size, first coordinate, notes and labels. */
async function storedBatches(lib: Library, id: string) {
  const { map } = await lib.readMap(id);
  return splitMapFile(map).batches.map((b) => ({
    id: b.id,
    m: b.m,
    x0: b.coords[0],
    notes: b.metadata.find((c) => c.name === 'note')!.values,
    labels: b.metadata.find((c) => c.name === 'label')!.values,
    clusters: Array.from(b.clusters),
  }));
}

let a: Library;
let b: Library;
let entry: string;
// Each test's map is a new run's: a job whose map was deleted does not save it again.
let fits = 0;
let fitJob: string;

beforeEach(async () => {
  a = await tab();
  for (const e of await a.listMaps()) await a.deleteMap(e.id);
  fitJob = `fit-${++fits}`;
  entry = (await a.saveMap(fitted(), { jobId: fitJob, d: 64 }))!;
  b = await tab();
});

describe('a library entry written by two tabs', () => {
  it('keeps the batch one tab added when the other, holding an older copy, saves its own', async () => {
    // Both tabs show the map as stored: no batches yet.
    const copyB = (await b.readMap(entry)).map;
    await a.saveMap(joinMapFile(fitted(), [batch('job-a', 3, 100)]), { libraryId: entry });
    // Tab B never saw job-a's batch; its save adds job-b's.
    const { fitted: fitB } = splitMapFile(copyB);
    await b.saveMap(joinMapFile(fitB, [batch('job-b', 2, 200)]), { libraryId: entry });

    const got = await storedBatches(a, entry);
    expect(got.map((x) => [x.id, x.m, x.x0])).toEqual([
      ['job-a', 3, 100],
      ['job-b', 2, 200],
    ]);
    expect(got[0]!.notes).toEqual(['job-a-0', 'job-a-1', 'job-a-2']);
    expect(got[1]!.labels).toEqual(['from job-b', 'from job-b']);
    expect(got[0]!.clusters).toEqual([1, -1, 1]);
    const [e] = await a.listMaps();
    expect(e).toMatchObject({ id: entry, n: N + 5, batchIds: ['job-a', 'job-b'], jobId: fitJob });
    // The fitted points are as they were, bit for bit.
    expect(Array.from(splitMapFile((await a.readMap(entry)).map).fitted.coords)).toEqual(Array.from(fitted().coords));
  });

  it('keeps both when the two saves run at once, and a later save of a copy without batches keeps them too', async () => {
    const c = await tab();
    const [ia, ib] = await Promise.all([
      a.saveMap(joinMapFile(fitted(), [batch('job-a', 4, 100)]), { libraryId: entry }),
      b.saveMap(joinMapFile(fitted(), [batch('job-b', 5, 200)]), { libraryId: entry }),
    ]);
    expect([ia, ib]).toEqual([entry, entry]);
    const ids = (await storedBatches(c, entry)).map((x) => x.id);
    expect(ids.sort()).toEqual(['job-a', 'job-b']);

    // A third tab that shows the map from before either batch re-clusters it (a new min cluster
    // size) and saves: its fitted clusters are taken, and both batches stay.
    await c.saveMap({ ...fitted(1), minClusterSize: 8 }, { libraryId: entry });
    const after = await c.readMap(entry);
    expect(after.map.minClusterSize).toBe(8);
    expect(Array.from(after.map.clusters!.subarray(0, N))).toEqual(Array.from(fitted(1).clusters!));
    expect((await storedBatches(c, entry)).map((x) => x.id).sort()).toEqual(['job-a', 'job-b']);
    expect(after.entry.n).toBe(N + 9);
  });

  it('a batch written again (picked up, or landed twice) is kept once, in its first place', async () => {
    await a.saveMap(joinMapFile(fitted(), [batch('job-a', 3, 100)]), { libraryId: entry });
    await b.saveMap(joinMapFile(fitted(), [batch('job-b', 2, 200)]), { libraryId: entry });
    // Tab B picked job-a up after its own, so it holds them in the other order.
    await b.saveMap(joinMapFile(fitted(), [batch('job-b', 2, 200), batch('job-a', 3, 100)]), { libraryId: entry });
    await a.saveMap(joinMapFile(fitted(), [batch('job-a', 3, 100)]), { libraryId: entry, batchesOnly: true });
    expect((await storedBatches(a, entry)).map((x) => x.id)).toEqual(['job-a', 'job-b']);
    expect((await a.listMaps())[0]!.n).toBe(N + 5);
  });

  it('a batch landed from an older copy (batchesOnly) keeps the stored clusters and batches', async () => {
    const old = (await b.readMap(entry)).map;
    // Tab A re-clusters the map (min cluster size 9), then adds points to it.
    const reclustered = { ...fitted(2), minClusterSize: 9 };
    await a.saveMap(reclustered, { libraryId: entry });
    await a.saveMap(joinMapFile(reclustered, [batch('job-a', 3, 100)]), { libraryId: entry });
    await b.saveMap(joinMapFile(splitMapFile(old).fitted, [batch('job-b', 2, 200)]), { libraryId: entry, batchesOnly: true });
    const { map } = await b.readMap(entry);
    expect(map.minClusterSize).toBe(9);
    expect(Array.from(map.clusters!.subarray(0, N))).toEqual(Array.from(fitted(2).clusters!));
    expect((await storedBatches(b, entry)).map((x) => x.id)).toEqual(['job-a', 'job-b']);
  });

  it('batches of a map file without ids are known by their content, so a copy of it merges without doubling them', async () => {
    // A map file from before batch ids: two identical batches (the same file added twice) and one other.
    const withIds = joinMapFile(fitted(), [batch('x', 2, 50), batch('y', 2, 50), batch('z', 1, 60)]);
    const file = parseMapFile(
      toMapFileParts(withIds)
        .join('')
        .replace(/,"ids":\[[^\]]*\]/, ''),
    );
    expect(file.batches!.ids).toBeUndefined();
    file.batches!.names = ['same.csv', 'same.csv', 'other.csv'];
    const id = (await a.saveMap(file))!;
    const copy = splitMapFile((await b.readMap(id)).map);
    expect(new Set(copy.batches.map((x) => x.id)).size).toBe(3);
    await b.saveMap(joinMapFile(copy.fitted, [...copy.batches, batch('job-b', 1, 300)]), { libraryId: id });
    // A tab holding the file as it was opened saves it again: nothing is doubled or dropped.
    await a.saveMap({ ...file, minClusterSize: 6 }, { libraryId: id });
    const got = await storedBatches(a, id);
    expect(got.map((x) => x.m)).toEqual([2, 2, 1, 1]);
    expect(got[3]!.id).toBe('job-b');
  });

  it('an entry that now holds another map (other fitted points) is replaced whole', async () => {
    await a.saveMap(joinMapFile(fitted(), [batch('job-a', 3, 100)]), { libraryId: entry });
    const other: MapFile = { ...fitted(), coords: Float32Array.from({ length: (N + 2) * 2 }, (_, i) => i) };
    delete other.clusters;
    other.labels = Array.from({ length: N + 2 }, () => 'x');
    other.meta = [];
    await b.saveMap(other, { libraryId: entry });
    const { map, entry: e } = await a.readMap(entry);
    expect(map.batches).toBeUndefined();
    expect(e.n).toBe(N + 2);
    expect(e.batchIds).toEqual([]);
  });

  it('a map file keeps its batch ids through its text, and refuses ids that do not fit', () => {
    const m = joinMapFile(fitted(), [batch('job-a', 3, 100), batch('job-b', 1, 200)]);
    const back = parseMapFile(toMapFileParts(m).join(''));
    expect(back.batches!.ids).toEqual(['job-a', 'job-b']);
    const text = toMapFileParts(m).join('');
    expect(() => parseMapFile(text.replace('"ids":["job-a","job-b"]', '"ids":["job-a"]'), 'm.map.json')).toThrow(
      'm.map.json: "batches.ids" must hold a non-empty text id for each of the 2 batches.',
    );
    expect(() => parseMapFile(text.replace('"ids":["job-a","job-b"]', '"ids":["job-a","job-a"]'), 'm.map.json')).toThrow('m.map.json: "batches.ids" names batch "job-a" twice.');
  });
});
