import { createStore, del, get, set } from 'idb-keyval';
import { parseMapFile, type MapFile } from '../../export/map-file';

// The last finished map, kept in this browser only (IndexedDB), so it opens again offline.
const store = () => createStore('mapstream-maps', 'maps');
const KEY = 'last';

export async function saveLastMap(text: () => string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await set(KEY, text(), store());
}

export async function loadLastMap(): Promise<MapFile | null> {
  if (typeof indexedDB === 'undefined') return null;
  const text = await get<string>(KEY, store());
  return text ? parseMapFile(text, 'the stored map') : null;
}

export async function hasLastMap(): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  return (await get<string>(KEY, store())) !== undefined;
}

export async function forgetLastMap(): Promise<void> {
  await del(KEY, store());
}
