// Shared by the jobs and transform specs: synthetic data and the digits split, .npy uploads, and the jobs test hook.
import type { Page } from '@playwright/test';
import { gaussianMixture } from '../src/engine/synthetic';
import type { Boundary } from '../src/jobs/faults';
import type { StorageFaultPlan } from '../src/jobs/storage-faults';
import type { JobView } from '../src/jobs/scheduler';
import type { JobSettings } from '../src/jobs/settings';
import { loadDigits } from '../test/fixtures/digits';
import { expect } from './fixtures';

export function mixture(n: number, d: number, seed = 7) {
  return gaussianMixture({ n, d, seed });
}

/** Settings go to localStorage before the app starts, as if the user had saved them. */
export async function presetSettings(page: Page, s: Partial<JobSettings>): Promise<void> {
  await page.addInitScript((settings) => {
    if (!localStorage.getItem('mapstream.settings.v1')) localStorage.setItem('mapstream.settings.v1', JSON.stringify(settings));
  }, s);
}

export async function openApp(page: Page): Promise<void> {
  await page.goto('./');
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.evaluate(() => window.__mapstreamJobs!.ready());
}

export function jobs(page: Page): Promise<JobView[]> {
  return page.evaluate(() => window.__mapstreamJobs!.list());
}

export function job(page: Page, id: string): Promise<JobView | null> {
  return page.evaluate((i) => window.__mapstreamJobs!.get(i), id);
}

export async function waitForJob(page: Page, id: string, pred: string, timeout = 120_000): Promise<JobView> {
  await page
    .waitForFunction(
      ([i, p]) => {
        const j = window.__mapstreamJobs?.get(i);
        return !!j && (new Function('j', `return ${p}`) as (j: unknown) => boolean)(j);
      },
      [id, pred] as const,
      { timeout, polling: 50 },
    )
    .catch(async (e: Error) => {
      // The job's last state says more than a timeout does.
      throw new Error(`${e.message}\nwaiting for ${pred}; job is ${JSON.stringify(await job(page, id).catch(() => null))}`);
    });
  return (await job(page, id))!;
}

export interface SubmitOpts {
  name?: string;
  priority?: 'high' | 'normal' | 'low';
  checkpoints?: boolean;
  /** The job's first run waits at this boundary until released (see README, "Test hook"). */
  holdAt?: Boundary;
  /** The job Worker's IndexedDB writes fail as this plan says (see README, "Test hook"). */
  storageFault?: StorageFaultPlan;
  /** Arrays from `from` bytes are stored in parts of `part` bytes (see README, "Test hook"). */
  valueParts?: { from: number; part: number };
}

export function submit(page: Page, data: Float32Array, n: number, d: number, params: Record<string, unknown>, opts: SubmitOpts = {}): Promise<string> {
  return page.evaluate(([v, n, d, p, o]) => window.__mapstreamJobs!.submit(v, n, d, p, o), [Array.from(data), n, d, params, opts] as const);
}

/**
 * Wait until a job submitted with `holdAt: at` waits there: its progress has reached the boundary.
 * The Worker reports exactly that boundary and nothing after it while held, so the view's progress
 * is the boundary itself. `also` adds a condition on the job (a JS expression over `j`).
 */
export function waitForHold(page: Page, id: string, at: Boundary, also = 'true', timeout?: number): Promise<JobView> {
  return waitForJob(page, id, `j.state === 'running' && j.progress && j.progress.phase === '${at.phase}' && j.progress.done >= ${at.done} && (${also})`, timeout);
}

export function release(page: Page, id: string): Promise<boolean> {
  return page.evaluate((i) => window.__mapstreamJobs!.release(i), id);
}

/**
 * Pause a held job, then release it. The stop reaches the Worker before the release (one port, in
 * order), so the run stops exactly at the boundary it was held at. Returns the paused job.
 */
export async function pauseHeld(page: Page, id: string): Promise<JobView> {
  await page.evaluate((i) => {
    const h = window.__mapstreamJobs!;
    // Not awaited: the pause settles only once the run stops, which needs the release.
    void h.pause(i);
    h.release(i);
  }, id);
  return waitForJob(page, id, "j.state === 'paused'");
}

export function coordsOf(page: Page, id: string): Promise<number[] | null> {
  return page.evaluate((i) => window.__mapstreamJobs!.coords(i), id);
}

/** Every key in the jobs database, read straight from IndexedDB. */
export function storedKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('mapstream-jobs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const q = open.result.transaction('kv').objectStore('kv').getAllKeys();
          q.onsuccess = () => {
            resolve(q.result.map(String));
            open.result.close();
          };
        };
      }),
  );
}

type TransformOpts = NonNullable<Parameters<NonNullable<Window['__mapstreamJobs']>['submitTransform']>[4]>;

/** Queue a transform of `rows` (m × d) into completed fit `parent`'s map through the jobs test hook. */
export function submitTransform(page: Page, parent: string, rows: Float32Array, m: number, d: number, opts: TransformOpts = {}): Promise<string> {
  return page.evaluate(([p, v, m, d, o]) => window.__mapstreamJobs!.submitTransform(p, v, m, d, o), [parent, Array.from(rows), m, d, opts] as const);
}

/** Until the page holds `count` jobs, all completed, and its map is done (with no error). */
export async function waitForAllDone(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (count) => {
      const list = window.__mapstreamJobs?.list() ?? [];
      return list.length === count && list.every((j) => j.state === 'completed') && (window.__mapstream?.status === 'done' || window.__mapstream?.status === 'error');
    },
    count,
    { timeout: 150_000 },
  );
  const actual = await page.evaluate(() => ({ status: window.__mapstream?.status, error: window.__mapstream?.lastError }));
  expect(actual).toEqual({ status: 'done', error: null });
}

/** The most recently submitted job. */
export const newestJob = (page: Page) => page.evaluate(() => window.__mapstreamJobs!.list()[0]!);

/** The digits split as the transform specs use it: the first `fitN` rows fitted, the rest added. */
export function digitsSplit(fitN: number) {
  const digits = loadDigits();
  const D = digits.d;
  return { digits, D, fitRows: digits.data.slice(0, fitN * D), newRows: digits.data.slice(fitN * D), M: digits.n - fitN };
}

/** Reload, then wait until the job does work again; returns milliseconds from reload to the first progress. */
export async function reloadAndResume(page: Page, id: string): Promise<number> {
  const t0 = Date.now();
  await page.reload();
  await page.waitForFunction(() => !!window.__mapstreamJobs);
  await page.waitForFunction(
    (i) => {
      const j = window.__mapstreamJobs!.get(i);
      return !!j && j.local && j.events > 0;
    },
    id,
    { polling: 10, timeout: 60_000 },
  );
  return Date.now() - t0;
}
