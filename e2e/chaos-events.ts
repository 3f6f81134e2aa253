// The chaos suite's events. Each acts on a state it has observed: a held run is waited for at its
// boundary before a click lands on it, a paused or failed job stays so until clicked; a job whose
// state may change under the event (running free, queued) is acted on through the test hook, whose
// calls are safe in any state, and the event then waits for one of the states it can end in.
import type { JobView } from '../src/jobs/scheduler';
import type { Boundary } from '../src/jobs/faults';
import { short, type Tracked, type World } from './chaos-world';
import { expect } from './fixtures';
import { release, waitForJob } from './jobs-helpers';

export type EventKind = 'submit' | 'release' | 'pause' | 'resume' | 'cancel' | 'retry' | 'crash' | 'reload' | 'tab' | 'quota' | 'write-fault' | 'delete';

const WEIGHTS: readonly [EventKind, number][] = [
  ['submit', 2],
  ['release', 3],
  ['pause', 3],
  ['resume', 3],
  ['cancel', 2],
  ['retry', 1],
  ['crash', 2],
  ['reload', 1.5],
  ['tab', 1],
  ['quota', 1],
  ['write-fault', 1],
  ['delete', 0.5],
];

/** Jobs not finished and not deleted, above which no more are submitted (the run must drain). */
const ACTIVE_CAP = 12;

interface Candidate {
  t: Tracked;
  v: JobView;
}

/** What each kind of event may act on now, in tab A (a job another tab runs is theirs). */
function candidates(w: World, views: JobView[]) {
  const mine: Candidate[] = [];
  for (const v of views) {
    const t = w.jobs.get(v.id);
    if (t && t.byTest !== 'deleted' && !v.elsewhere) mine.push({ t, v });
  }
  const running = mine.filter((c) => c.v.state === 'running' && c.v.local);
  return {
    running,
    queued: mine.filter((c) => c.v.state === 'queued'),
    // Interrupted jobs resume by themselves (auto-resume); a paused one stays until clicked.
    paused: mine.filter((c) => c.v.state === 'paused'),
    retryable: mine.filter((c) => (c.v.state === 'failed' || c.v.state === 'cancelled') && c.v.stored),
    completed: mine.filter((c) => c.v.state === 'completed'),
    active: mine.filter((c) => !['completed', 'failed', 'cancelled'].includes(c.v.state)),
  };
}

type Pools = ReturnType<typeof candidates>;

function applicable(w: World, kind: EventKind, p: Pools): boolean {
  switch (kind) {
    case 'submit':
      return p.active.length < ACTIVE_CAP;
    case 'release':
      return p.running.some((c) => c.t.hold);
    case 'pause':
    case 'crash':
      return p.running.length > 0;
    case 'resume':
      return p.paused.length > 0;
    case 'cancel':
      return p.active.length > 0;
    case 'retry':
      return p.retryable.length > 0;
    case 'delete':
      return p.completed.length > 0;
    case 'write-fault':
      return w.writeFaults;
    default:
      return true;
  }
}

/**
 * Draw an event kind: first each kind not yet run that can act now (so a short run still meets them
 * all), then by weight, again until one can act now (a reload always can).
 */
export function draw(w: World, views: JobView[]): EventKind {
  const p = candidates(w, views);
  const unmet = WEIGHTS.map(([k]) => k).filter((k) => !w.counts.has(k) && applicable(w, k, p));
  if (unmet.length) return w.rng.pick(unmet);
  const total = WEIGHTS.reduce((s, [, x]) => s + x, 0);
  for (let tries = 0; tries < 50; tries++) {
    let r = w.rng.next() * total;
    let kind: EventKind = 'reload';
    for (const [k, x] of WEIGHTS) {
      kind = k;
      if (r < x) break;
      r -= x;
    }
    if (applicable(w, kind, p)) return kind;
  }
  return 'reload';
}

const row = (w: World, id: string) => w.a.locator(`[data-job-id="${id}"]`);

/**
 * Wait for a held run at its boundary (the first whose progress reached the hold's; a step may span
 * several epochs), or for it to end otherwise; the view while held there, else null.
 */
async function heldOrEnded(w: World, id: string, at: Boundary): Promise<JobView | null> {
  const v = await waitForJob(w.a, id, `j.state !== 'running' || !j.local || (j.progress && j.progress.phase === '${at.phase}' && j.progress.done >= ${at.done})`);
  return v.state === 'running' && v.local ? v : null;
}

/** Run one event of `kind`; returns the ids of the jobs it acted on. */
export async function runEvent(w: World, kind: EventKind, views: JobView[]): Promise<Set<string>> {
  const p = candidates(w, views);
  const touched = new Set<string>();
  const target = (pool: Candidate[]) => {
    const c = w.rng.pick(pool);
    touched.add(c.t.id);
    return c;
  };
  switch (kind) {
    case 'submit': {
      const n = w.rng.int(1, 2);
      for (let i = 0; i < n; i++) touched.add(await w.submitRandom('A'));
      break;
    }
    case 'release': {
      const { t } = target(p.running.filter((c) => c.t.hold));
      // A release before the boundary cancels the hold; at it, the run goes on.
      await release(w.a, t.id);
      t.hold = null;
      w.say(`  released ${short(t.id)}`);
      break;
    }
    case 'pause': {
      const { t } = target([...p.running, ...p.queued]);
      const held = t.hold ? await heldOrEnded(w, t.id, t.hold) : null;
      if (held) {
        // The button's handler sends the stop, then the release follows on the same port, so the run
        // stops at the boundary it is held at. The click is dispatched in the page, so its handler
        // has run when the release is sent (a mouse click reaches the page through the browser).
        const button = row(w, t.id).getByTestId('job-pause');
        await expect(button).toBeVisible();
        await button.dispatchEvent('click');
        await release(w.a, t.id);
        const v = await waitForJob(w.a, t.id, "j.state === 'paused'");
        expect(v.progress, `${short(t.id)} paused at its hold\n${w.tail()}`).toEqual(held.progress);
        w.say(`  paused ${short(t.id)} (UI) at layout ${held.progress!.done}`);
        t.hold = null;
      } else {
        await w.a.evaluate((i) => void window.__mapstreamJobs!.pause(i), t.id);
        const v = await waitForJob(w.a, t.id, "['paused', 'completed', 'failed'].includes(j.state)");
        w.say(`  paused ${short(t.id)} (hook): ${v.state}`);
      }
      break;
    }
    case 'resume': {
      const { t } = target(p.paused);
      await row(w, t.id).getByTestId('job-resume').click();
      const v = await waitForJob(w.a, t.id, "j.state !== 'paused' && j.state !== 'interrupted'");
      w.say(`  resumed ${short(t.id)} (UI): ${v.state}`);
      break;
    }
    case 'cancel': {
      const { t, v } = target(p.active);
      const keep = w.rng.chance(0.4);
      const stable = v.state === 'paused' || (t.hold !== null && v.state === 'running' && (await heldOrEnded(w, t.id, t.hold)) !== null);
      if (stable) {
        await row(w, t.id).getByTestId('job-cancel').click();
        await row(w, t.id)
          .getByTestId(keep ? 'job-cancel-keep' : 'job-cancel-delete')
          .click();
      } else await w.a.evaluate(([i, k]) => window.__mapstreamJobs!.cancel(i, { keep: k }), [t.id, keep] as const);
      // The cancel takes effect in the page at once; one that found the job finished does nothing.
      const after = await w.a.evaluate((i) => window.__mapstreamJobs!.get(i), t.id);
      if (!after) t.byTest = 'deleted';
      else if (after.state === 'cancelled') t.byTest = 'cancelled';
      t.hold = null;
      w.say(`  cancelled ${short(t.id)} (${stable ? 'UI' : 'hook'}, ${keep ? 'keep' : 'delete'}) from ${v.state}: ${after ? after.state : 'deleted'}`);
      if (t.byTest === 'deleted') await expect(row(w, t.id)).toHaveCount(0);
      break;
    }
    case 'retry': {
      const { t } = target(p.retryable);
      await row(w, t.id).getByTestId('job-retry').click();
      const v = await waitForJob(w.a, t.id, "j.state !== 'failed' && j.state !== 'cancelled'");
      t.byTest = null;
      w.say(`  retried ${short(t.id)} (UI): ${v.state}`);
      break;
    }
    case 'crash': {
      const { t } = target(p.running);
      if (t.hold && (await heldOrEnded(w, t.id, t.hold))) {
        expect(await w.a.evaluate((i) => window.__mapstreamJobs!.crash(i), t.id)).toBe(true);
        const v = await waitForJob(w.a, t.id, "j.state === 'failed'");
        expect(v.error, `${short(t.id)}'s message\n${w.tail()}`).toContain("The job's Worker crashed");
        w.say(`  crashed ${short(t.id)} at its hold: ${v.error}`);
      } else {
        const sent = await w.a.evaluate((i) => window.__mapstreamJobs!.crash(i), t.id);
        const v = sent ? await waitForJob(w.a, t.id, "j.state !== 'running' || !j.local") : null;
        w.say(`  crashed ${short(t.id)} running free: ${sent ? `${v!.state}${v!.error ? ` (${v!.error})` : ''}` : 'not running any more'}`);
      }
      t.hold = null;
      break;
    }
    case 'reload':
      await w.reloadA();
      w.say('  reloaded tab A');
      break;
    case 'tab':
      if (w.b) {
        await w.closeB();
        w.say('  closed tab B');
      } else {
        await w.openB();
        w.say('  opened tab B');
        if (w.rng.chance(0.5)) {
          const id = await w.submitRandom('B');
          touched.add(id);
          // Closing B before the job is stored would lose it with the tab, which is not the point here.
          await waitForJob(w.b!, id, "j.stored || !!j.storageWarning || ['completed', 'failed'].includes(j.state)");
        }
      }
      break;
    case 'quota':
      if (w.quotaOverridden) {
        await w.setQuota(null);
        w.say('  quota override removed');
      } else {
        const usage = (await w.a.evaluate(() => navigator.storage.estimate())).usage ?? 0;
        // From no room at all (every write refused) to room for a few jobs.
        const room = w.rng.pick([0, 50_000, 300_000, 1_500_000]);
        await w.setQuota(usage + room);
        w.say(`  quota set to usage + ${room} bytes`);
      }
      break;
    case 'write-fault': {
      // Only where the build has the simulated storage write fault (see chaos.spec.ts).
      const name = w.rng.pick(['QuotaExceededError', 'UnknownError'] as const);
      const plan = { name, afterPuts: w.rng.int(0, 6), count: w.rng.int(1, 3) };
      if (w.rng.chance(0.5)) {
        await w.a.evaluate((pl) => (window.__mapstreamJobs as unknown as { failStorageWrites(p: unknown): void }).failStorageWrites(pl), plan);
        w.say(`  page storage writes fail: ${JSON.stringify(plan)}`);
      } else {
        const id = await w.submitRandom('A', { storageFault: plan });
        touched.add(id);
        w.say(`  its Worker's storage writes fail: ${JSON.stringify(plan)}`);
      }
      break;
    }
    case 'delete': {
      const { t } = target(p.completed);
      await row(w, t.id).getByTestId('job-delete').click();
      await expect(row(w, t.id)).toHaveCount(0);
      t.byTest = 'deleted';
      w.say(`  deleted completed ${short(t.id)} (UI)`);
      break;
    }
  }
  return touched;
}
