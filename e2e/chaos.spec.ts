import type { Browser } from '@playwright/test';
import { draw, runEvent } from './chaos-events';
import { checkInvariants } from './chaos-invariants';
import type { StoreSnapshot } from './chaos-store';
import { KINDS, World, hasWriteFaults, kindData, short } from './chaos-world';
import { expect, test } from './fixtures';
import { coordsOf, openApp, waitForJob } from './jobs-helpers';

// The chaos suite (README, "Chaos suite"): jobs of mixed sizes and priorities under a seeded run of
// random events (reloads, Worker crashes, pause/resume/cancel/retry/delete clicks, a second tab
// opening and closing, a quota override through CDP, simulated storage write faults, more jobs),
// with the invariants of chaos-invariants.ts checked after every event and once all jobs have ended.
// CHAOS_SEED picks the run (it is printed, with every event, so a failure replays); CHAOS_EVENTS its
// length (small in npm test; CHAOS_EVENTS=500 for a long run), CHAOS_MINUTES an optional cap on the
// time spent drawing events in a long run.
//
// The simulated storage write fault (window.__mapstreamJobs.failStorageWrites(plan) for the page's
// writes, a storageFault plan in submit's options for the job Worker's) is drawn only where the build
// has it: the event list names it, and World.writeFaults says whether this build can.

const SEED = Number(process.env.CHAOS_SEED ?? 20251201);
const EVENTS = Number(process.env.CHAOS_EVENTS ?? 16);
/** A long run may stop drawing events after this many minutes (then it drains and checks as usual). */
const MINUTES = Number(process.env.CHAOS_MINUTES ?? Number.POSITIVE_INFINITY);
const INITIAL_JOBS = 20;

/** The undisturbed coordinates of every kind of job, each computed once in a fresh context. */
async function references(browser: Browser): Promise<number[][]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await openApp(page);
    const ids: string[] = [];
    for (const k of KINDS) ids.push(await page.evaluate(([v, n, d, p]) => window.__mapstreamJobs!.submit(v, n, d, p, { name: 'reference' }), [kindData(k), k.n, k.d, k.params] as const));
    const out: number[][] = [];
    for (const id of ids) {
      await waitForJob(page, id, "j.state === 'completed'");
      out.push((await coordsOf(page, id))!);
    }
    return out;
  } finally {
    await context.close();
  }
}

/** Let every job end: tab B closes (A takes its jobs over), holds are released, paused jobs resumed. */
async function drain(w: World): Promise<void> {
  if (w.b) await w.closeB();
  if (w.quotaOverridden) await w.setQuota(null);
  for (;;) {
    const views = await w.views();
    const open = views.filter((v) => !['completed', 'failed', 'cancelled'].includes(v.state));
    if (open.length === 0) return;
    for (const v of open) {
      const t = w.jobs.get(v.id);
      if (t?.hold && v.state === 'running' && v.local) {
        await w.a.evaluate((i) => window.__mapstreamJobs!.release(i), v.id);
        t.hold = null;
      } else if (v.state === 'paused' || v.state === 'interrupted') await w.a.evaluate((i) => window.__mapstreamJobs!.resume(i), v.id);
    }
    const held = [...w.jobs.values()].filter((t) => t.hold).map((t) => t.id);
    // Until every job has ended, or one needs a hand again (a held run started, a job stopped).
    await w.a.waitForFunction(
      (held) => {
        const list = window.__mapstreamJobs!.list();
        return (
          list.every((j) => ['completed', 'failed', 'cancelled'].includes(j.state)) ||
          list.some((j) => (held.includes(j.id) && j.state === 'running' && j.local) || j.state === 'paused' || j.state === 'interrupted')
        );
      },
      held,
      { timeout: 240_000, polling: 100 },
    );
  }
}

test('chaos: jobs under seeded random events keep every invariant', async ({ page, context, browser, baseURL }) => {
  test.setTimeout(240_000 + EVENTS * 20_000);
  console.log(`[chaos] seed ${SEED}, ${EVENTS} events (CHAOS_SEED, CHAOS_EVENTS)`);
  const t0 = Date.now();
  const refs = await references(browser);
  await openApp(page);
  const w = new World(SEED, page, context, new URL(baseURL!).origin, refs);
  w.writeFaults = await hasWriteFaults(page);
  if (!w.writeFaults) w.say('this build has no simulated storage write fault: the write-fault event is not drawn');
  try {
    w.say(`submitting ${INITIAL_JOBS} jobs`);
    for (let i = 0; i < INITIAL_JOBS; i++) await w.submitRandom('A');
    let snap: StoreSnapshot | null = await checkInvariants(w, null, new Set());
    let ran = 0;
    for (let e = 1; e <= EVENTS; e++) {
      if (Date.now() - t0 > MINUTES * 60_000) {
        w.say(`CHAOS_MINUTES=${MINUTES} spent: stopping after ${ran} events`);
        break;
      }
      const views = await w.views();
      const kind = draw(w, views);
      w.say(`event ${e}/${EVENTS}: ${kind}`);
      const touched = await runEvent(w, kind, views);
      w.counts.set(kind, (w.counts.get(kind) ?? 0) + 1);
      snap = await checkInvariants(w, snap, touched);
      ran++;
    }
    w.say('draining: every job to its end');
    await drain(w);
    snap = await checkInvariants(w, snap, new Set());
    // The results as stored read back equal to the undisturbed runs, after one more reload.
    await w.reloadA();
    const final = await w.views();
    for (const v of final.filter((x) => x.state === 'completed')) {
      const t = w.jobs.get(v.id);
      if (!t) continue;
      expect(await coordsOf(page, v.id), `stored coordinates of ${short(v.id)}\n${w.tail()}`).toEqual(refs[t.kind]);
    }
    await checkInvariants(w, snap, new Set());
    const ours = final.filter((v) => w.jobs.has(v.id));
    const by = (s: string) => ours.filter((v) => v.state === s).length;
    const deleted = [...w.jobs.values()].filter((t) => t.byTest === 'deleted').length;
    const summary =
      `seed ${SEED}: ${ran} events survived (${[...w.counts].map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
      `${w.jobs.size} jobs: ${by('completed')} completed, ${by('failed')} failed with a message, ${by('cancelled')} cancelled and ${deleted} deleted by the test; ` +
      `${Math.round((Date.now() - t0) / 1000)} s`;
    w.say(summary);
    test.info().annotations.push({ type: 'chaos', description: summary });
    expect(w.jobs.size).toBeGreaterThanOrEqual(INITIAL_JOBS);
  } finally {
    // The quota override holds for the origin in the whole browser: never leave it behind.
    if (w.quotaOverridden) await w.setQuota(null);
  }
});
