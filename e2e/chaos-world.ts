// The chaos suite's world: its seeded random source, the few job kinds it submits (whose undisturbed
// coordinates are computed once), the jobs it submitted and what it did to them, and its two tabs.
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { Boundary } from '../src/jobs/faults';
import type { JobView } from '../src/jobs/scheduler';
import { expect } from './fixtures';
import { mixture, openApp, storedKeys } from './jobs-helpers';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The kinds of job: few datasets, reused, so the references stay cheap and jobs share stored rows
 * (a delete must keep rows another job uses). Below 1,000 points a fit starts at once, outside the queue.
 */
export interface JobKind {
  label: string;
  n: number;
  d: number;
  dataSeed: number;
  params: Record<string, unknown>;
}

export const KINDS: readonly JobKind[] = [
  { label: 'small', n: 600, d: 6, dataSeed: 41, params: { nEpochs: 40, seed: 1, backend: 'cpu' } },
  { label: 'medium', n: 1200, d: 8, dataSeed: 42, params: { nEpochs: 50, knnChunkSize: 300, seed: 2, backend: 'cpu' } },
  { label: 'medium, other seed', n: 1200, d: 8, dataSeed: 42, params: { nEpochs: 50, knnChunkSize: 300, seed: 5, backend: 'cpu' } },
  { label: 'large', n: 2000, d: 8, dataSeed: 43, params: { nEpochs: 60, knnChunkSize: 400, seed: 3, backend: 'cpu' } },
  { label: 'large, 10 neighbours', n: 2000, d: 8, dataSeed: 43, params: { nEpochs: 40, knnChunkSize: 400, nNeighbors: 10, seed: 4, backend: 'cpu' } },
];

const data = new Map<number, number[]>();
export function kindData(k: JobKind): number[] {
  const key = k.dataSeed;
  let v = data.get(key);
  if (!v) {
    v = Array.from(mixture(k.n, k.d, k.dataSeed).data);
    data.set(key, v);
  }
  return v;
}

/** What the suite knows of a job it submitted. */
export interface Tracked {
  id: string;
  kind: number;
  /** The tab it was submitted in. */
  tab: 'A' | 'B';
  /** Its run in tab A of this page load will wait here (until released, paused, crashed or cancelled). */
  hold: Boundary | null;
  /** What the test did to it: deleted (gone with its data) or cancelled keeping it. */
  byTest: 'deleted' | 'cancelled' | null;
  /** Coordinates when first seen completed (compared with the kind's reference then). */
  seenCompleted: boolean;
  /**
   * Tab A held it (running or finished) with a storage warning ("continues in memory and will not survive a reload") when
   * tab A reloaded: as documented, such a job may be gone after the reload.
   */
  lostOnReload?: boolean;
}

export class World {
  readonly rng: Rng;
  readonly log: string[] = [];
  readonly jobs = new Map<string, Tracked>();
  /** The second tab, while open. */
  b: Page | null = null;
  cdp: CDPSession | null = null;
  quotaOverridden = false;
  /**
   * The build has the simulated storage write fault (window.__mapstreamJobs.failStorageWrites and
   * submit's storageFault); without it the write-fault event is never drawn.
   */
  writeFaults = false;
  /** Events applied, by kind. */
  readonly counts = new Map<string, number>();

  constructor(
    readonly seed: number,
    readonly a: Page,
    readonly context: BrowserContext,
    readonly origin: string,
    readonly refs: readonly number[][],
  ) {
    this.rng = new Rng(seed);
  }

  say(line: string): void {
    this.log.push(line);
    console.log(`[chaos] ${line}`);
  }

  /** The last lines of the log, for a failure message that says how to get there again. */
  tail(n = 25): string {
    return `seed ${this.seed} (CHAOS_SEED=${this.seed}); last events:\n${this.log.slice(-n).join('\n')}`;
  }

  async views(page: Page = this.a): Promise<JobView[]> {
    return page.evaluate(() => window.__mapstreamJobs!.list());
  }

  async submit(tab: 'A' | 'B', kind: number, priority: 'high' | 'normal' | 'low', hold: Boundary | null, extra: Record<string, unknown> = {}): Promise<string> {
    const page = tab === 'A' ? this.a : this.b!;
    const k = KINDS[kind]!;
    const id = await page.evaluate(([v, n, d, p, o]) => window.__mapstreamJobs!.submit(v, n, d, p, o), [
      kindData(k),
      k.n,
      k.d,
      k.params,
      { ...extra, name: `chaos ${k.label}`, priority, ...(hold ? { holdAt: hold } : {}) },
    ] as const);
    this.jobs.set(id, { id, kind, tab, hold: tab === 'A' ? hold : null, byTest: null, seenCompleted: false });
    return id;
  }

  /** A random job: kind, priority, and (half the time) a hold at a layout epoch. */
  async submitRandom(tab: 'A' | 'B', extra: Record<string, unknown> = {}): Promise<string> {
    const kind = this.rng.int(0, KINDS.length - 1);
    const priority = this.rng.pick(['high', 'normal', 'normal', 'low'] as const);
    const epochs = KINDS[kind]!.params.nEpochs as number;
    const hold = this.rng.chance(0.5) ? ({ phase: 'layout', done: this.rng.int(2, epochs - 10) } as const) : null;
    const id = await this.submit(tab, kind, priority, hold, extra);
    this.say(`  submitted ${short(id)} in tab ${tab}: ${KINDS[kind]!.label}, ${priority}${hold ? `, held at layout ${hold.done}` : ''}`);
    return id;
  }

  async reloadA(): Promise<void> {
    // A reload races the record write of a job submitted just before it. The reload waits until each
    // job of tab A's (running or finished) is stored or has said it cannot be, so what it may lose is known.
    await expect
      .poll(
        async () => {
          const keys = new Set(await storedKeys(this.a));
          const views = await this.a.evaluate(() => window.__mapstreamJobs!.list().map((j) => ({ id: j.id, mine: !j.elsewhere, warned: !!j.storageWarning })));
          return views.filter((v) => v.mine && !v.warned && !keys.has(`job:${v.id}`)).map((v) => v.id);
        },
        { timeout: 60_000 },
      )
      .toEqual([]);
    await this.markUnstored(this.a);
    await this.a.reload();
    await this.a.waitForFunction(() => !!window.__mapstreamJobs);
    await this.a.evaluate(() => window.__mapstreamJobs!.ready());
    this.writeFaults = await hasWriteFaults(this.a);
    // A reloaded page has no test faults: every hold is gone with the old page.
    for (const t of this.jobs.values()) t.hold = null;
  }

  /** The page's own jobs that said their writes were refused: they end with that page. */
  private async markUnstored(page: Page): Promise<void> {
    const unstored = await page.evaluate(() =>
      window
        .__mapstreamJobs!.list()
        .filter((j) => !j.elsewhere && !!j.storageWarning)
        .map((j) => j.id),
    );
    for (const id of unstored) {
      const t = this.jobs.get(id);
      if (t) t.lostOnReload = true;
    }
  }

  async openB(): Promise<void> {
    this.b = await this.context.newPage();
    await openApp(this.b);
  }

  async closeB(): Promise<void> {
    // As at a reload of A: a job of B's that said its writes were refused ends with B's page.
    if (this.b) await this.markUnstored(this.b);
    await this.b?.close();
    this.b = null;
  }

  async setQuota(bytes: number | null): Promise<void> {
    this.cdp ??= await this.context.newCDPSession(this.a);
    await this.cdp.send('Storage.overrideQuotaForOrigin', bytes === null ? { origin: this.origin } : { origin: this.origin, quotaSize: bytes });
    this.quotaOverridden = bytes !== null;
  }
}

export function hasWriteFaults(page: Page): Promise<boolean> {
  return page.evaluate(() => typeof (window.__mapstreamJobs as unknown as { failStorageWrites?: unknown }).failStorageWrites === 'function');
}

export const short = (id: string) => id.slice(0, 8);
