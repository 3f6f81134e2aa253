// The map library's rules, on fake-indexeddb in Node (e2e/map-library.spec.ts runs it in Chromium):
// one entry per map, updates in place, the legacy map moved in once, rename and delete.
import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { toMapFileParts, type MapFile } from '../src/export/map-file';
import { deleteMap, listMaps, onLibraryChange, readMap, renameMap, saveMap } from '../src/jobs/map-library';

const legacy = createStore('mapstream-maps', 'maps');

function map(n: number, shift = 0, extra: Partial<MapFile> = {}): MapFile {
  return {
    nComponents: 2,
    coords: Float32Array.from({ length: n * 2 }, (_, i) => i * 0.5 + shift),
    labels: Array.from({ length: n }, (_, i) => `l${i % 3}`),
    labelName: 'label',
    params: { nNeighbors: '15', minDist: '0.1', metric: 'euclidean' },
    meta: [
      { name: 'score', values: Float64Array.from({ length: n }, (_, i) => i / 2) },
      { name: 'tag', values: Array.from({ length: n }, (_, i) => `tag ${i}`) },
    ],
    name: 'points.npy',
    ...extra,
  };
}

beforeEach(async () => {
  for (const e of await listMaps()) await deleteMap(e.id);
});

describe('map library', () => {
  it('keeps each finished map with its size, shape, parameters and job, and reads it back exactly', async () => {
    const a = map(50);
    const id = (await saveMap(a, { jobId: 'job-1', d: 64, params: { nNeighbors: 15, minDist: 0.1, metric: 'cosine' } }))!;
    const [e] = await listMaps();
    expect(e).toMatchObject({ id, name: 'points.npy', n: 50, d: 64, nComponents: 2, jobId: 'job-1', params: { nNeighbors: 15, metric: 'cosine' } });
    expect(e!.createdAt).toBe(e!.updatedAt);
    // 400 bytes of coordinates, 400 of the numeric column, and the text.
    expect(e!.bytes).toBeGreaterThan(800);
    const { map: back } = await readMap(id);
    expect(back.coords).toEqual(a.coords);
    expect(back.labels).toEqual(a.labels);
    expect(back.meta).toEqual(a.meta);
    // The same map file text as the map it was saved from.
    expect(toMapFileParts(back).join('')).toBe(toMapFileParts(a).join(''));
  });

  it('the same map saved again (shown again, opened again) is one entry; its clusters update it in place', async () => {
    const id = await saveMap(map(30), { jobId: 'j' });
    expect(await saveMap(map(30), { jobId: 'j' })).toBe(id);
    expect(await saveMap(map(30))).toBe(id);
    const withClusters = map(30, 0, { clusters: Int32Array.from({ length: 30 }, (_, i) => i % 2), minClusterSize: 5 });
    expect(await saveMap(withClusters, { libraryId: id })).toBe(id);
    const list = await listMaps();
    expect(list).toHaveLength(1);
    expect(list[0]!.jobId).toBe('j');
    expect(Array.from((await readMap(id!)).map.clusters!)).toEqual(Array.from(withClusters.clusters!));
  });

  it('a map that gains points keeps its entry (id, name, creation date); another map is another entry', async () => {
    const id = (await saveMap(map(20), { jobId: 'fit', d: 8 }))!;
    await renameMap(id, '  My photos  ');
    const before = (await listMaps())[0]!;
    const grown = await saveMap(map(25), { libraryId: id });
    expect(grown).toBe(id);
    const after = (await listMaps())[0]!;
    expect(after).toMatchObject({ id, name: 'My photos', n: 25, d: 8, jobId: 'fit', createdAt: before.createdAt });
    expect(after.bytes).toBeGreaterThan(before.bytes);
    const other = await saveMap(map(20, 7));
    expect(other).not.toBe(id);
    expect(await listMaps()).toHaveLength(2);
    // Read under the name it was given.
    expect((await readMap(id)).map.name).toBe('My photos');
  });

  it('a background save (ifAbsent) never overwrites the entry the explorer saved, and adds one when none is there', async () => {
    const full = map(15, 0, { clusters: Int32Array.from({ length: 15 }, () => 0), minClusterSize: 5 });
    const id = await saveMap(full, { jobId: 'j' });
    expect(await saveMap(map(15), { jobId: 'j', ifAbsent: true })).toBe(id);
    expect(Array.from((await readMap(id!)).map.clusters!)).toEqual(Array.from(full.clusters!));
    const other = await saveMap(map(15, 3), { jobId: 'k', ifAbsent: true });
    expect(other).not.toBe(id);
    expect(await listMaps()).toHaveLength(2);
  });

  it('a re-save of a deleted entry does not bring it back; rename refuses an empty name', async () => {
    const id = (await saveMap(map(10)))!;
    await deleteMap(id);
    expect(await saveMap(map(10), { libraryId: id })).toBeNull();
    expect(await listMaps()).toEqual([]);
    await expect(readMap(id)).rejects.toThrow('no longer in the library');
    const b = (await saveMap(map(10)))!;
    await expect(renameMap(b, '   ')).rejects.toThrow('needs a name');
  });

  it('a save still pending when its map is deleted does not bring it back; a save after the delete adds it again', async () => {
    const id = (await saveMap(map(9)))!;
    const pending = saveMap(map(9, 0, { minClusterSize: 4 }));
    const del = deleteMap(id);
    // The pending save ran first and updated the entry; the delete then removed it.
    expect(await pending).toBe(id);
    await del;
    const lateOrigin = {};
    const stillQueued = saveMap(map(9, 0, { minClusterSize: 5 }), lateOrigin);
    await stillQueued;
    const id2 = (await listMaps())[0]!.id;
    // A save asked for before the delete runs, of a map found by its coordinates only, stays out.
    const asked = saveMap(map(9, 0, { minClusterSize: 6 }));
    const del2 = deleteMap(id2);
    const beforeDelete = saveMap(map(9, 0, { minClusterSize: 7 }));
    await del2;
    expect(await asked).toBe(id2);
    expect(await beforeDelete).toBeNull();
    expect(await listMaps()).toEqual([]);
    // Opened again later: added again.
    expect(await saveMap(map(9))).not.toBeNull();
  });

  it("a job's deleted map stays out of its later saves, after a reload too; another job's same map is added", async () => {
    const id = (await saveMap(map(11), { jobId: 'job-r' }))!;
    await deleteMap(id);
    // A fresh module is a reload: nothing of this page's memory is left, only what the delete stored.
    vi.resetModules();
    const fresh = await import('../src/jobs/map-library');
    expect(await fresh.saveMap(map(11), { jobId: 'job-r', ifAbsent: true })).toBeNull();
    expect(await fresh.saveMap(map(11, 0, { minClusterSize: 3 }), { jobId: 'job-r' })).toBeNull();
    expect(await fresh.listMaps()).toEqual([]);
    // The same job's different map (other coordinates) and the same map from another job are kept.
    expect(await fresh.saveMap(map(11, 1), { jobId: 'job-r' })).not.toBeNull();
    expect(await fresh.saveMap(map(11), { jobId: 'job-s' })).not.toBeNull();
    expect(await fresh.listMaps()).toHaveLength(2);
    for (const e of await fresh.listMaps()) await fresh.deleteMap(e.id);
  });

  it('tells listeners of every change', async () => {
    let seen = 0;
    const stop = onLibraryChange(() => seen++);
    const id = (await saveMap(map(12)))!;
    await renameMap(id, 'x');
    await deleteMap(id);
    stop();
    expect(seen).toBe(3);
  });
});

describe('map library: the map an earlier version kept', () => {
  it("is moved in once from 'last' and the old key goes", async () => {
    const old = map(40, 1);
    await set('last', toMapFileParts(old).join(''), legacy);
    // A fresh module: migration runs once per page load.
    vi.resetModules();
    const lib = await import('../src/jobs/map-library');
    const list = await lib.listMaps();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'points.npy', n: 40 });
    expect((await lib.readMap(list[0]!.id)).map.coords).toEqual(old.coords);
    expect(await lib.listMaps()).toHaveLength(1);
    vi.resetModules();
    const again = await import('../src/jobs/map-library');
    expect(await again.listMaps()).toHaveLength(1);
  });
});
