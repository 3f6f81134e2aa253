import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { coordsOf, mixture, openApp, release, storedKeys, submit, waitForHold, waitForJob } from './jobs-helpers';

// The IndexedDB failures Chromium raises, on real transactions: a quota error in the middle of a
// checkpoint's transaction (the job Worker's write) and on a result (the page's), an UnknownError,
// site data cleared while a job runs, and a newer version opened in another tab. Each ends in a
// message on the job and in the UI, the job completes in memory, other jobs go on, and what was
// stored before reads back unchanged after a reload. Faults fire at known boundaries (holdAt).

const N = 2000;
const D = 16;
const CHUNK = 250;
// Exact kNN, so each chunk is one boundary with one checkpoint write.
const params = { nEpochs: 40, knnChunkSize: CHUNK, exactKnnMaxN: 10_000, seed: 4, backend: 'cpu' };
const held = { phase: 'knn', done: 4 * CHUNK } as const;

/** One value of the jobs database, read straight from IndexedDB (typed arrays as plain arrays). */
function storedValue(page: Page, key: string): Promise<unknown> {
  return page.evaluate(
    (key) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('mapstream-jobs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const q = open.result.transaction('kv').objectStore('kv').get(key);
          q.onsuccess = () => {
            open.result.close();
            const v = q.result as unknown;
            resolve(ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v);
          };
        };
      }),
    key,
  );
}

/** A stored dataset's rows, chunk after chunk. */
async function storedRows(page: Page, key: string): Promise<number[]> {
  const m = (await storedValue(page, `ds:${key}`)) as { chunks: number };
  const rows: number[] = [];
  for (let c = 0; c < m.chunks; c++) rows.push(...((await storedValue(page, `ds:${key}:${c}`)) as number[]));
  return rows;
}

interface Stored {
  id: string;
  coords: number[];
  datasetKey: string;
  rows: number[];
}

/** A completed job stored before the fault, to be read back unchanged after it. */
async function storeBefore(page: Page): Promise<Stored> {
  const { data } = mixture(1200, 4, 3);
  const id = await submit(page, data, 1200, 4, params, { name: 'stored before' });
  await waitForJob(page, id, "j.state === 'completed'");
  // Its record is the last of its writes.
  await expect.poll(async () => ((await storedValue(page, `job:${id}`)) as { state?: string } | undefined)?.state).toBe('completed');
  const datasetKey = ((await storedValue(page, `job:${id}`)) as { datasetKey: string }).datasetKey;
  expect(await storedRows(page, datasetKey)).toEqual(Array.from(data));
  return { id, coords: (await coordsOf(page, id))!, datasetKey, rows: Array.from(data) };
}

async function expectIntact(page: Page, s: Stored): Promise<void> {
  expect(await page.evaluate((id) => window.__mapstreamJobs!.get(id)?.state, s.id)).toBe('completed');
  expect(await coordsOf(page, s.id)).toEqual(s.coords);
  expect(await storedRows(page, s.datasetKey)).toEqual(s.rows);
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await openApp(page);
}

/** The message on the job's row in the Jobs panel, and in the Settings storage panel. */
async function expectShown(page: Page, id: string, text: RegExp): Promise<void> {
  await expect(page.locator(`[data-job-id="${id}"]`).getByTestId('job-warning')).toContainText(text);
  await page.getByTestId('section-settings-toggle').click();
  await expect(page.getByTestId('storage-warning')).toBeVisible();
  await page.getByTestId('section-settings-toggle').click();
}

test('quota error in the middle of a checkpoint transaction: the step it wrote is rolled back, the job completes in memory', async ({ page }) => {
  await openApp(page);
  const before = await storeBefore(page);
  const { data } = mixture(N, D, 1);
  // Two checkpoint writes go through; the third fails at its pointer, after its delta was put.
  const id = await submit(page, data, N, D, params, { name: 'quota', holdAt: held, storageFault: { name: 'QuotaExceededError', keyPrefix: 'cpptr:', afterPuts: 2 } });
  const at = await waitForHold(page, id, held, 'j.storageWarning !== null');
  expect(at.storageWarning).toContain('Browser storage is full (QuotaExceededError)');
  expect(at.storageWarning).toContain('continues in memory');
  expect(at.checkpoints).toBe(2);
  // The stored checkpoint is the one before the failed write: its pointer and exactly its deltas.
  const ptr = (await storedValue(page, `cpptr:${id}`)) as { current: { meta: { key: string }; deltas: number } };
  const keys = (await storedKeys(page)).filter((k) => k.startsWith(`${ptr.current.meta.key}:d:`));
  expect(keys.length).toBe(ptr.current.deltas);
  expect(ptr.current.deltas).toBe(1);

  // Another job goes on meanwhile, on the same data, without faults.
  const other = await submit(page, data, N, D, params, { name: 'undisturbed' });
  expect(await release(page, id)).toBe(true);
  const done = await waitForJob(page, id, "j.state === 'completed'");
  expect(done.checkpoints).toBe(2);
  await waitForJob(page, other, "j.state === 'completed'");
  expect((await coordsOf(page, other))!.length).toBe(N * 2);
  expect(await coordsOf(page, id)).toEqual(await coordsOf(page, other));
  await expectShown(page, id, /QuotaExceededError/);

  await reload(page);
  await expectIntact(page, before);
});

test('quota error on a result write (the page): the job says its map was not saved; after a reload it runs again to the same map', async ({ page }) => {
  await openApp(page);
  const before = await storeBefore(page);
  await page.evaluate(() => window.__mapstreamJobs!.failStorageWrites({ name: 'QuotaExceededError', keyPrefix: 'res:' }));
  const id = await submit(page, mixture(N, D, 2).data, N, D, params, { name: 'result refused' });
  const done = await waitForJob(page, id, "j.state === 'completed' && j.storageWarning !== null");
  expect(done.storageWarning).toContain('Browser storage is full (QuotaExceededError)');
  expect(done.storageWarning).toContain('complete in this tab but was not saved');
  const coords = (await coordsOf(page, id))!;
  expect(coords.length).toBe(N * 2);
  await expectShown(page, id, /not saved/);

  // The fault is spent: the next job is stored whole.
  const next = await submit(page, mixture(N, D, 3).data, N, D, params, { name: 'after' });
  await waitForJob(page, next, "j.state === 'completed'");
  await expect.poll(async () => ((await storedValue(page, `job:${next}`)) as { state?: string } | undefined)?.state).toBe('completed');
  expect(await storedValue(page, `res:${id}`)).toBeUndefined();

  await reload(page);
  await expectIntact(page, before);
  expect(await coordsOf(page, next)).not.toBeNull();
  // Its record was left as the run had it, with its checkpoints: the job resumes and ends on the same map.
  await waitForJob(page, id, "j.state === 'completed'");
  expect(await coordsOf(page, id)).toEqual(coords);
});

test('UnknownError on a checkpoint write: the job completes in memory, nothing of its checkpoints is stored', async ({ page }) => {
  await openApp(page);
  const before = await storeBefore(page);
  const id = await submit(page, mixture(N, D, 5).data, N, D, params, { name: 'unknown', storageFault: { name: 'UnknownError', keyPrefix: 'cp:' } });
  const done = await waitForJob(page, id, "j.state === 'completed' && j.storageWarning !== null");
  expect(done.storageWarning).toMatch(/^Browser storage refused a write \(UnknownError: .*\); the job continues in memory/);
  expect(done.checkpoints).toBe(0);
  expect((await coordsOf(page, id))!.length).toBe(N * 2);
  expect((await storedKeys(page)).filter((k) => k.startsWith(`cp:${id}`) || k.startsWith(`cpptr:${id}`))).toEqual([]);
  await expectShown(page, id, /UnknownError/);

  await reload(page);
  await expectIntact(page, before);
  expect((await coordsOf(page, id))!.length).toBe(N * 2);
});

test('site data cleared while a job runs: it completes in memory and says so; the app starts cleanly afterwards and stores new jobs', async ({ page, baseURL }) => {
  await openApp(page);
  await storeBefore(page);
  const id = await submit(page, mixture(N, D, 6).data, N, D, params, { name: 'cleared', holdAt: held });
  await waitForHold(page, id, held, 'j.checkpoints > 0');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseURL!).origin, storageTypes: 'indexeddb' });
  await waitForJob(page, id, "j.storageWarning !== null && j.storageWarning.includes('cleared')");
  expect(await release(page, id)).toBe(true);
  const done = await waitForJob(page, id, "j.state === 'completed'");
  expect(done.storageWarning).toContain('Browser storage was cleared while this job was open');
  expect((await coordsOf(page, id))!.length).toBe(N * 2);
  await expectShown(page, id, /cleared/);

  // A job submitted now is stored in the fresh database; the one that ran through the clear is not.
  const next = await submit(page, mixture(N, D, 7).data, N, D, params, { name: 'after the clear' });
  await waitForJob(page, next, "j.state === 'completed'");
  await expect.poll(async () => ((await storedValue(page, `job:${next}`)) as { state?: string } | undefined)?.state).toBe('completed');
  expect((await storedKeys(page)).filter((k) => k.includes(id))).toEqual([]);
  const nextCoords = await coordsOf(page, next);

  await reload(page);
  expect((await page.evaluate(() => window.__mapstreamJobs!.list())).map((j) => j.id)).toEqual([next]);
  expect(await coordsOf(page, next)).toEqual(nextCoords);
  await page.getByTestId('section-settings-toggle').click();
  await expect(page.getByTestId('storage-usage')).toBeVisible();
  await expect(page.getByTestId('storage-warning')).toHaveCount(0);
  const fresh = await submit(page, mixture(N, D, 8).data, N, D, params, { name: 'after the reload' });
  const freshDone = await waitForJob(page, fresh, "j.state === 'completed'");
  expect(freshDone.storageWarning).toBeNull();
  await expect.poll(async () => ((await storedValue(page, `job:${fresh}`)) as { state?: string } | undefined)?.state).toBe('completed');
  expect(await storedValue(page, `res:${fresh}`)).toBeTruthy();
});

test('a newer version opened in another tab: its open succeeds, this tab says it stopped saving, jobs complete in memory', async ({ page }) => {
  await openApp(page);
  const before = await storeBefore(page);
  const id = await submit(page, mixture(N, D, 9).data, N, D, params, { name: 'outdated', holdAt: held });
  await waitForHold(page, id, held, 'j.checkpoints > 0');

  const newer = await page.context().newPage();
  await newer.goto('./favicon.svg');
  const opened = await newer.evaluate(async () => {
    const from = (await indexedDB.databases()).find((d) => d.name === 'mapstream-jobs')!.version!;
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('mapstream-jobs', from + 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const version = database.version;
    database.close();
    return { from, version };
  });
  expect(opened.version).toBe(opened.from + 1);
  await newer.close();

  await waitForJob(page, id, "j.storageWarning !== null && j.storageWarning.includes('newer version')");
  expect(await release(page, id)).toBe(true);
  const done = await waitForJob(page, id, "j.state === 'completed'");
  expect(done.storageWarning).toContain('mapstream was opened in a newer version in another tab, so this tab stopped saving');
  expect((await coordsOf(page, id))!.length).toBe(N * 2);
  await expectShown(page, id, /newer version/);
  // Jobs go on, in memory.
  const next = await submit(page, mixture(N, D, 10).data, N, D, params, { name: 'after the upgrade' });
  const nextDone = await waitForJob(page, next, "j.state === 'completed'");
  expect(nextDone.storageWarning).toContain('newer version');
  expect((await coordsOf(page, next))!.length).toBe(N * 2);

  // A reload opens the newer database, with everything stored before.
  await reload(page);
  await expectIntact(page, before);
});
