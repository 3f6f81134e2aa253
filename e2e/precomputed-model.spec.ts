// A precomputed map whose file also holds its vectors (issue #12, item 6, second bullet): opened as a
// map, "Prepare for adding points" runs a kNN-only model job over the vectors, and new points are
// then placed into that map by a transform job as into a computed one, the map itself unchanged.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { coordsOf, digitsSplit, job, mixture, openApp, presetSettings, storedKeys, submit, submitTransform, waitForHold, waitForJob } from './jobs-helpers';
import { waitDone, waitInteractive } from './explore-helpers';

const FIT_N = 1500;
const { digits, D, fitRows, newRows, M } = digitsSplit(FIT_N);

/** A CSV as a tool like umap-learn + pandas writes it: the map's columns, the vectors, the label. */
function csvOf(map: Float32Array): Buffer {
  const head = ['umap_1', 'umap_2', ...Array.from({ length: D }, (_, j) => `v${j}`), 'label'];
  const lines = [head.join(',')];
  for (let i = 0; i < FIT_N; i++) {
    const vec = Array.from(fitRows.subarray(i * D, (i + 1) * D), String);
    // Float32 values print exactly enough digits to read back as the same float32.
    lines.push([String(map[2 * i]), String(map[2 * i + 1]), ...vec, String(digits.labels[i])].join(','));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Label of each new point by majority of its 10 nearest fitted points on the map. */
function accuracy(map: Float32Array, placed: number[]): number {
  let right = 0;
  for (let q = 0; q < M; q++) {
    const [x, y] = [placed[2 * q]!, placed[2 * q + 1]!];
    const near = Array.from({ length: FIT_N }, (_, i) => i)
      .sort((a, b) => (map[2 * a]! - x) ** 2 + (map[2 * a + 1]! - y) ** 2 - ((map[2 * b]! - x) ** 2 + (map[2 * b + 1]! - y) ** 2))
      .slice(0, 10);
    const votes = new Map<number, number>();
    for (const i of near) votes.set(digits.labels[i]!, (votes.get(digits.labels[i]!) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (best === digits.labels[FIT_N + q]) right++;
  }
  return right / M;
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => Buffer.from(Float32Array.from(a).buffer).equals(Buffer.from(Float32Array.from(b).buffer));

function mapCoords(page: Page): Promise<number[] | null> {
  return page.evaluate(() => {
    const c = window.__mapstream!.coords();
    return c ? Array.from(c) : null;
  });
}

/** The "precomputed" map, as made elsewhere: each digit's class around a circle, spread inside its class by two of its pixels. */
function madeElsewhere(): Float32Array {
  const map = new Float32Array(FIT_N * 2);
  for (let i = 0; i < FIT_N; i++) {
    const a = (2 * Math.PI * digits.labels[i]!) / 10;
    map[2 * i] = Math.fround(10 * Math.cos(a) + fitRows[i * D + 20]! / 8);
    map[2 * i + 1] = Math.fround(10 * Math.sin(a) + fitRows[i * D + 43]! / 8);
  }
  return map;
}

test('a precomputed map with its vectors is prepared for adding points, and a transform places new digits without moving it', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  // Where a new digit lands on this map shows whether its neighbours were found.
  const map = madeElsewhere();
  await page.getByTestId('file-input').setInputFiles([{ name: 'digits-umap.csv', mimeType: 'text/csv', buffer: csvOf(map) }]);
  await expect(page.getByTestId('preview-coords')).toContainText('2-D coordinates in columns umap_1, umap_2');
  await expect(page.getByTestId('open-as-map')).toBeEnabled();
  await page.getByTestId('open-as-map').click();
  await waitDone(page);
  await waitInteractive(page);
  expect(sameBits((await mapCoords(page))!, map)).toBe(true);

  // The offer says what it will use, and which parameters it has to assume.
  const offer = page.getByTestId('model-offer');
  await expect(offer).toContainText('1,500 × 64');
  await expect(offer).toContainText('n_neighbors 15, euclidean');
  await expect(offer).toContainText('min_dist 0.1 and spread 1 (assumed');
  await page.getByTestId('prepare-model').click();
  await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 120_000 });
  await expect(offer).toHaveCount(0);

  const modelId = await page.evaluate(() => window.__mapstream!.origin!().jobId);
  expect(modelId).toBeTruthy();
  const model = (await job(page, modelId!))!;
  expect(model).toMatchObject({ name: 'Index digits-umap.csv for adding points', state: 'completed', knnOnly: true, n: FIT_N, d: D });
  await expect(page.locator(`[data-job-id="${modelId}"]`)).toContainText('Index digits-umap.csv for adding points');
  const log = (await page.evaluate((id) => window.__mapstreamJobs!.log(id), modelId!))!;
  expect(log.some((l) => l.startsWith('kNN: exact search'))).toBe(true);
  expect(log.some((l) => l.startsWith('Map: the given 2-D coordinates of 1500 points'))).toBe(true);
  // The job's result is the map as the file gave it.
  expect(sameBits((await coordsOf(page, modelId!))!, map)).toBe(true);
  // The library entry of the opened map records the job, so the map reopens ready for adding points.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<(string | null)[]>((resolve, reject) => {
            const open = indexedDB.open('mapstream-maps');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const req = open.result.transaction('maps').objectStore('maps').getAll(IDBKeyRange.bound('entry:', 'entry:\uffff'));
              req.onsuccess = () => resolve((req.result as { jobId?: string }[]).map((e) => e.jobId ?? null));
              req.onerror = () => reject(req.error);
            };
          }),
      ),
    )
    .toEqual([modelId]);

  // New points go in through the model, as into a computed map.
  const tjob = await submitTransform(page, modelId!, newRows, M, D);
  await waitForJob(page, tjob, "j.state === 'completed'");
  const placed = (await page.evaluate((id) => window.__mapstreamJobs!.transformResult(id), tjob))!;
  expect(placed).toMatchObject({ parent: modelId, m: M, nComponents: 2, k: 15 });
  expect(placed.coords.every(Number.isFinite)).toBe(true);
  // They land among their own digits (their nearest fitted digits are mostly of their class).
  expect(accuracy(map, placed.coords)).toBeGreaterThan(0.85);
  // And the map did not move by a bit: neither the job's stored map nor the one shown.
  expect(sameBits((await coordsOf(page, modelId!))!, map)).toBe(true);
  expect(sameBits((await mapCoords(page))!, map)).toBe(true);
});

test('a model job reloaded after its second kNN chunk resumes from its checkpoint, with its map read back from the store', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  const map = madeElsewhere();
  const CHUNK = 100;
  const at = { phase: 'knn', done: 2 * CHUNK } as const;
  const id = await page.evaluate(([v, n, d, c, p, o]) => window.__mapstreamJobs!.submitModel(v, n, d, c, 2, p, o), [
    Array.from(fitRows),
    FIT_N,
    D,
    Array.from(map),
    { knnChunkSize: CHUNK, backend: 'cpu' },
    { name: 'held.csv', holdAt: at },
  ] as const);
  await waitForHold(page, id, at, `j.stored && j.lastCheckpoint && j.lastCheckpoint.phase === 'knn' && j.lastCheckpoint.done >= ${CHUNK}`);
  expect(await storedKeys(page)).toContain(`given:${id}`);
  await page.reload();
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  const resumed = await waitForJob(page, id, "j.state === 'completed'");
  expect(resumed).toMatchObject({ interrupted: true, knnOnly: true, name: 'Index held.csv for adding points' });
  expect(resumed.resumedFrom?.phase).toBe('knn');
  // At most the chunk being written when the page went is lost.
  expect(resumed.resumedFrom!.done).toBeGreaterThanOrEqual(CHUNK);
  expect(sameBits((await coordsOf(page, id))!, map)).toBe(true);
  expect(await storedKeys(page)).toContain(`model:${id}`);
  // Points go into it after the reload too.
  const tjob = await submitTransform(page, id, newRows, M, D);
  await waitForJob(page, tjob, "j.state === 'completed'");
  expect(accuracy(map, (await page.evaluate((t) => window.__mapstreamJobs!.transformResult(t), tjob))!.coords)).toBeGreaterThan(0.85);
  // Deleting the job deletes what it kept, its given map included.
  await page.evaluate((t) => window.__mapstreamJobs!.remove(t), tjob);
  await page.evaluate((t) => window.__mapstreamJobs!.remove(t), id);
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.includes(id))).toEqual([]);
});

test('a model job reloaded while still queued starts after the reload with its map read back from the store', async ({ page }) => {
  test.setTimeout(240_000);
  // One job at a time: a held fit keeps the model job waiting in the queue.
  await presetSettings(page, { maxConcurrentJobs: 1 });
  await openApp(page);
  const blocker = mixture(1200, 8);
  const fit = await submit(page, blocker.data, 1200, 8, { nEpochs: 50, backend: 'cpu' }, { name: 'blocker', holdAt: { phase: 'knn', done: 1000 } });
  await waitForHold(page, fit, { phase: 'knn', done: 1000 });
  const map = madeElsewhere();
  const id = await page.evaluate(([v, n, d, c, p, o]) => window.__mapstreamJobs!.submitModel(v, n, d, c, 2, p, o), [
    Array.from(fitRows),
    FIT_N,
    D,
    Array.from(map),
    { backend: 'cpu' },
    { name: 'queued.csv' },
  ] as const);
  // Queued, with its rows stored: the record a reload finds, and the map it needs already beside it.
  await waitForJob(page, id, "j.state === 'queued' && j.stored");
  expect(await storedKeys(page)).toContain(`given:${id}`);
  await page.reload();
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
  const done = await waitForJob(page, id, "j.state === 'completed'", 180_000);
  expect(done).toMatchObject({ knnOnly: true, name: 'Index queued.csv for adding points' });
  expect(sameBits((await coordsOf(page, id))!, map)).toBe(true);
  expect(await storedKeys(page)).toContain(`model:${id}`);
  const tjob = await submitTransform(page, id, newRows, M, D);
  await waitForJob(page, tjob, "j.state === 'completed'");
  expect(accuracy(map, (await page.evaluate((t) => window.__mapstreamJobs!.transformResult(t), tjob))!.coords)).toBeGreaterThan(0.85);
});
