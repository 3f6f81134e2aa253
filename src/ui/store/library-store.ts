// The library of finished maps as the UI sees it: the list (kept current across tabs), its total size,
// and what the library panel does: open, rename, delete (optionally with the job's data), export.
import { createMemo, createSignal, onCleanup } from 'solid-js';
import { saveFile } from '../../export/download';
import { MAP_FILE_EXTENSION, toMapFileParts, type MapFile } from '../../export/map-file';
import { messageOf } from '../../io/error-message';
import { deleteMap, listMaps, onLibraryChange, readMap, renameMap, saveMap, type LibraryEntry, type SaveOrigin } from '../../jobs/map-library';
import type { JobView, Scheduler } from '../../jobs/scheduler';

export function createLibraryStore(scheduler: Scheduler) {
  const [entries, setEntries] = createSignal<LibraryEntry[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // Bumped when any job changes, so "this map's job is still stored" stays current.
  const [jobsSeen, setJobsSeen] = createSignal(0);

  const refresh = () =>
    listMaps().then(
      (list) => {
        setEntries(list);
        setLoaded(true);
      },
      (err: unknown) => setError(`The map library could not be read: ${messageOf(err)}`),
    );
  void refresh();
  onCleanup(onLibraryChange(() => void refresh()));

  // A job that finishes in this tab while another map is shown is kept too, from its result (its
  // labels, no metadata or clusters); if it is shown later, that save completes the same entry.
  // Only jobs seen unfinished here count: a map the user deleted while keeping its job stays deleted.
  const unfinished = new Set<string>();
  // How many of those the library has settled (kept, or found deleted): tests wait on it.
  const [keptJobs, setKeptJobs] = createSignal(0);
  const keepFinished = async (id: string) => {
    const r = await scheduler.result(id);
    if (!r) return;
    const m: MapFile = { nComponents: r.nComponents, coords: r.embedding, params: { ...r.rec.params }, name: r.rec.name };
    const cats = r.rec.categories;
    if (cats) m.labels = Array.from(cats.codes, (c) => cats.names[c]!);
    if (r.rec.labelName !== undefined) m.labelName = r.rec.labelName;
    await saveMap(m, { jobId: id, d: r.rec.d, params: { ...r.rec.params }, ...(r.backend ? { backend: r.backend } : {}), ifAbsent: true });
  };
  onCleanup(
    scheduler.subscribe(() => {
      setJobsSeen((v) => v + 1);
      for (const j of scheduler.list()) {
        if (j.elsewhere) continue;
        if (j.state !== 'completed') unfinished.add(j.id);
        else if (unfinished.delete(j.id))
          keepFinished(j.id)
            .catch((err: unknown) => setError(`A finished map could not be kept in the library: ${messageOf(err)}`))
            .finally(() => setKeptJobs((k) => k + 1));
      }
    }),
  );

  const totalBytes = createMemo(() => entries().reduce((sum, e) => sum + e.bytes, 0));

  /** A failed action says what failed; the list is read again, since another tab may have changed it. */
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(`${what}: ${messageOf(err)}`);
      void refresh();
      return null;
    }
  };

  return {
    entries,
    /** The first read of the library is done (an empty list then means an empty library). */
    loaded,
    error,
    clearError: () => setError(null),
    totalBytes,
    keptJobs,
    /** The completed job a map came from, while its data (the fitted model) is still stored. */
    jobOf(e: LibraryEntry): JobView | null {
      jobsSeen();
      const j = e.jobId ? scheduler.get(e.jobId) : null;
      return j && j.state === 'completed' && !j.elsewhere ? j : null;
    },
    /** The map and where it came from, to show it: re-saves of it update this entry. */
    async read(id: string): Promise<{ map: MapFile; origin: SaveOrigin } | null> {
      return attempt('The map could not be opened', async () => {
        const { entry, map } = await readMap(id);
        const origin: SaveOrigin = { libraryId: entry.id, params: entry.params };
        if (entry.jobId) origin.jobId = entry.jobId;
        if (entry.d !== null) origin.d = entry.d;
        return { map, origin };
      });
    },
    /** True once renamed; false after a refusal (an empty name), which the error says. */
    rename: async (id: string, name: string): Promise<boolean> => (await attempt('The map could not be renamed', () => renameMap(id, name).then(() => true))) === true,
    /** Delete a map; with `withJob`, also the completed job it came from (record, result, stored rows). */
    remove: (e: LibraryEntry, withJob: boolean) =>
      attempt('The map could not be deleted', async () => {
        await deleteMap(e.id);
        if (withJob && e.jobId) await scheduler.remove(e.jobId);
      }),
    /** The map file download, as the explorer's Map file export writes it. */
    exportMap: (id: string) =>
      attempt('The map could not be exported', async () => {
        const { map } = await readMap(id);
        saveFile(`${map.name.replace(/\.[^.]+$/, '')}${MAP_FILE_EXTENSION}`, toMapFileParts(map), 'application/json');
      }),
  };
}

export type LibraryStore = ReturnType<typeof createLibraryStore>;
