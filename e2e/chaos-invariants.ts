// The chaos suite's invariants, checked after every event and at the end:
//   every job is completed, failed with a message, cancelled by the test, or still on its way;
//   a completed job's coordinates equal the undisturbed run of its kind;
//   no job runs in two tabs at once;
//   no stored record, result, model, dataset or checkpoint of a job the event did not touch changes;
//   IndexedDB holds nothing for deleted jobs, and no dataset that no job refers to.
import type { Page } from '@playwright/test';
import type { JobView } from '../src/jobs/scheduler';
import { readStore, keysOfDataset, keysOfJob, orphanDatasets, type StoreSnapshot } from './chaos-store';
import { short, type World } from './chaos-world';
import { expect } from './fixtures';

function fail(w: World, what: string): never {
  throw new Error(`chaos invariant broken: ${what}\n${w.tail()}`);
}

async function coordsIn(page: Page, id: string): Promise<number[] | null> {
  return page.evaluate((i) => window.__mapstreamJobs!.coords(i), id);
}

/** A job's coordinates from the tab that has them (the one that ran it, or either through the store). */
async function coordsOf(w: World, id: string): Promise<number[] | null> {
  return (await coordsIn(w.a, id)) ?? (w.b ? await coordsIn(w.b, id) : null);
}

/** The views of tab A, plus B's for the jobs A does not know yet (submitted in B, not yet announced). */
async function allViews(w: World): Promise<{ a: JobView[]; b: JobView[] }> {
  return { a: await w.views(), b: w.b ? await w.views(w.b) : [] };
}

/**
 * Tab B hears of a delete in tab A through the store's change notice, after A's own list has dropped the
 * job: a job A deleted is waited for to leave B's list too (the condition itself, bounded), and only one
 * that stays there breaks the invariant.
 */
async function settleDeletesInB(w: World): Promise<void> {
  if (!w.b) return;
  const inA = new Set((await w.views()).map((j) => j.id));
  const stale = (await w.views(w.b)).filter((j) => !inA.has(j.id) && w.jobs.get(j.id)?.byTest === 'deleted');
  for (const j of stale) {
    const t0 = Date.now();
    const gone = await w.b
      .waitForFunction((i) => !window.__mapstreamJobs!.get(i), j.id, { timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    if (!gone) fail(w, `job ${short(j.id)} was deleted in tab A but tab B still lists it (${j.state}) after 15 s`);
    w.say(`  tab B dropped ${short(j.id)} ${Date.now() - t0} ms after tab A`);
  }
}

async function checkJobs(w: World): Promise<void> {
  await settleDeletesInB(w);
  const { a, b } = await allViews(w);
  const localA = new Set(a.filter((j) => j.local).map((j) => j.id));
  if (w.b) {
    const both = b.filter((j) => j.local && localA.has(j.id)).map((j) => short(j.id));
    if (both.length) fail(w, `jobs running in both tabs at once: ${both.join(', ')}`);
  }
  const byId = new Map(b.map((j) => [j.id, j]));
  for (const j of a) byId.set(j.id, j);
  for (const t of w.jobs.values()) {
    const v = byId.get(t.id);
    if (t.byTest === 'deleted') {
      if (v) fail(w, `job ${short(t.id)} was deleted by the test but is listed (${v.state})`);
      continue;
    }
    if (!v && t.lostOnReload) {
      // The app said it would not survive a reload (its writes were refused): it ended with the page.
      w.say(`  job ${short(t.id)}: ran with a storage warning, gone with the reload`);
      w.jobs.delete(t.id);
      continue;
    }
    if (!v) fail(w, `job ${short(t.id)} (${t.tab}) is missing from the list`);
    if (v.state === 'failed' && !v.error?.trim()) fail(w, `job ${short(t.id)} failed without a message`);
    if (v.state === 'cancelled' && t.byTest !== 'cancelled') fail(w, `job ${short(t.id)} is cancelled, and the test did not cancel it`);
    if (v.state !== 'cancelled' && t.byTest === 'cancelled') t.byTest = null; // retried
    // The hold of a run that ended is spent; one not yet started (queued, paused before it ran) waits.
    if (t.hold && !((v.state === 'running' && localA.has(v.id)) || ((v.state === 'queued' || v.state === 'paused') && v.startSeq === null))) t.hold = null;
    if (v.state === 'completed' && !t.seenCompleted) {
      const got = await coordsOf(w, t.id);
      if (!got) fail(w, `completed job ${short(t.id)} has no coordinates`);
      const ref = w.refs[t.kind]!;
      if (got.length !== ref.length || got.some((x, i) => x !== ref[i])) {
        const diff = got.findIndex((x, i) => x !== ref[i]);
        fail(w, `completed job ${short(t.id)} (${t.kind}) differs from its undisturbed run at coordinate ${diff}: ${got[diff]} vs ${ref[diff]}`);
      }
      t.seenCompleted = true;
    }
  }
}

/** What must be gone from the store: every key of a deleted job, and every dataset nobody refers to. */
function leftovers(w: World, s: StoreSnapshot): string[] {
  const out: string[] = [];
  for (const t of w.jobs.values()) if (t.byTest === 'deleted') out.push(...keysOfJob(s.hashes.keys(), t.id));
  for (const d of orphanDatasets(s)) out.push(`ds:${d} (no job refers to it)`);
  return out;
}

/**
 * Stored keys that must not change from `prev` to `now`: those of every job that was completed
 * (record, result, model, references and its dataset rows), and the checkpoints of a job paused
 * in both, except for the jobs the event acted on.
 */
function changed(w: World, prev: StoreSnapshot, now: StoreSnapshot, touched: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const nowState = new Map(now.records.map((r) => [r.id, r.state]));
  for (const r of prev.records) {
    if (touched.has(r.id) || w.jobs.get(r.id)?.byTest === 'deleted') continue;
    let keys: string[] = [];
    if (r.state === 'completed') {
      keys = keysOfJob(prev.hashes.keys(), r.id);
      if (r.datasetKey) keys.push(...keysOfDataset(prev.hashes.keys(), r.datasetKey));
    } else if (r.state === 'paused' && nowState.get(r.id) === 'paused') {
      keys = keysOfJob(prev.hashes.keys(), r.id).filter((k) => k.startsWith('cp:') || k.startsWith('cpptr:'));
      if (r.datasetKey) keys.push(...keysOfDataset(prev.hashes.keys(), r.datasetKey));
    }
    for (const k of keys) {
      const h = now.hashes.get(k);
      if (h === undefined) out.push(`${k} of ${r.state} job ${short(r.id)} is gone`);
      else if (h !== prev.hashes.get(k)) out.push(`${k} of ${r.state} job ${short(r.id)} changed`);
    }
  }
  return out;
}

/** Check every invariant; returns the store as it is now, for the next check to compare with. */
export async function checkInvariants(w: World, prev: StoreSnapshot | null, touched: ReadonlySet<string>): Promise<StoreSnapshot> {
  await checkJobs(w);
  let now: StoreSnapshot | null = null;
  // A delete is two steps (the job's keys in one transaction, then its rows unless another job uses
  // them), so what it leaves is waited on; a change to what must stay is not.
  await expect
    .poll(
      async () => {
        now = await readStore(w.a);
        return leftovers(w, now);
      },
      { message: `stored data of deleted jobs, or unused datasets\n${w.tail()}`, timeout: 30_000 },
    )
    .toEqual([]);
  const snap = now as unknown as StoreSnapshot;
  if (prev) {
    const bad = changed(w, prev, snap, touched);
    if (bad.length) fail(w, `stored data of jobs the event did not touch changed:\n  ${bad.join('\n  ')}`);
  }
  return snap;
}
