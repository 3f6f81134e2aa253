// Chromium's sampling profiler over the bench page and every Worker it starts, nested ones included
// (the job Worker starts the compute Workers), through CDP's Profiler domain.
//
// A job's Workers are terminated when it ends, and a terminated Worker's profile is gone with it, so
// each Worker's profile is taken in slices: stopped and restarted every SLICE_MS. At most the last
// slice of each Worker is lost (its final SLICE_MS before termination).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SLICE_MS = 1000;
const INTERVAL_US = 500;

/** Self time by function over a set of profiles: [{ name, url, line, ms }], heaviest first. */
export function selfTimes(profiles) {
  const byFn = new Map();
  for (const p of profiles) {
    const nodeOf = new Map(p.nodes.map((n) => [n.id, n]));
    // Each sample's time is the delta to the next one (the profile's own accounting).
    for (let i = 0; i < p.samples.length; i++) {
      const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
      const f = nodeOf.get(p.samples[i]).callFrame;
      const key = `${f.functionName}|${f.url}|${f.lineNumber}`;
      const e = byFn.get(key) ?? { name: f.functionName || '(anonymous)', url: f.url, line: f.lineNumber + 1, ms: 0 };
      e.ms += dt;
      byFn.set(key, e);
    }
  }
  return [...byFn.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * Starts profiling the page's browser: the page at once, each Worker as Chromium reports it.
 * Returns stop(), which resolves to { page, workers: [{ url, name, profiles }] }.
 */
export async function startProfiling(page) {
  const browserCdp = await page.context().browser().newBrowserCDPSession();
  const pageCdp = await page.context().newCDPSession(page);
  let nextId = 1;
  const pending = new Map();
  const workers = new Map();
  let stopping = false;

  browserCdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const m = JSON.parse(message);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`${m.error.message} (session ${sessionId})`));
    else p.resolve(m.result);
  });
  // A Worker terminated with a request in flight never answers it: its detach ends the request, or a
  // slice (and stop()) would wait forever.
  browserCdp.on('Target.detachedFromTarget', ({ sessionId }) => {
    for (const [id, p] of pending) {
      if (p.sessionId !== sessionId) continue;
      pending.delete(id);
      p.reject(new Error(`session ${sessionId} detached`));
    }
  });
  const sendTo = (sessionId, method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { sessionId, resolve, reject });
      browserCdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });

  // A Worker's current slice: stop (keep the profile), start again. A Worker gone mid-call just ends.
  // One slice at a time per Worker: a tick that finds one in flight joins it.
  const slice = (w) =>
    (w.current ??= (async () => {
      try {
        const { profile } = await sendTo(w.sessionId, 'Profiler.stop');
        w.profiles.push(profile);
        w.heap = peakHeap(w.heap, await sendTo(w.sessionId, 'Runtime.getHeapUsage'));
        if (!stopping) await sendTo(w.sessionId, 'Profiler.start');
      } catch {
        w.gone = true;
      }
    })().finally(() => {
      w.current = null;
    }));
  const attach = async (info) => {
    if (info.type !== 'worker' || workers.has(info.targetId)) return;
    const w = { url: info.url, name: info.title, sessionId: null, profiles: [], gone: false, current: null, heap: null };
    workers.set(info.targetId, w);
    try {
      ({ sessionId: w.sessionId } = await browserCdp.send('Target.attachToTarget', { targetId: info.targetId, flatten: false }));
      await sendTo(w.sessionId, 'Profiler.enable');
      await sendTo(w.sessionId, 'Profiler.setSamplingInterval', { interval: INTERVAL_US });
      await sendTo(w.sessionId, 'Profiler.start');
    } catch {
      w.gone = true;
    }
  };
  browserCdp.on('Target.targetCreated', ({ targetInfo }) => void attach(targetInfo));
  // A Worker is reported before its script URL is known.
  browserCdp.on('Target.targetInfoChanged', ({ targetInfo }) => {
    const w = workers.get(targetInfo.targetId);
    if (w) Object.assign(w, { url: targetInfo.url || w.url, name: targetInfo.title || w.name });
  });
  await browserCdp.send('Target.setDiscoverTargets', { discover: true });
  for (const t of (await browserCdp.send('Target.getTargets')).targetInfos) await attach(t);

  await pageCdp.send('Profiler.enable');
  await pageCdp.send('Profiler.setSamplingInterval', { interval: INTERVAL_US });
  await pageCdp.send('Profiler.start');
  const timer = setInterval(() => {
    for (const w of workers.values()) if (w.sessionId && !w.gone) void slice(w);
  }, SLICE_MS);
  // A failed run closes the browser without stop(); the slicing must not keep Node alive then.
  timer.unref();

  return async function stop() {
    clearInterval(timer);
    stopping = true;
    // A slice in flight may have restarted its profiler before `stopping` was set: the last one stops it.
    const last = async (w) => {
      await w.current;
      if (w.sessionId && !w.gone) await slice(w);
    };
    await Promise.all([...workers.values()].map(last));
    const { profile } = await pageCdp.send('Profiler.stop');
    await browserCdp.detach().catch(() => {});
    return { page: profile, workers: [...workers.values()].filter((w) => w.profiles.length > 0) };
  };
}

/**
 * A Worker's peak heap (MB) over its slices, from `prev` (null at first) and one CDP
 * Runtime.getHeapUsage answer: V8's own (used, and total with free space) and the ArrayBuffer backing
 * stores it holds, where a job's typed arrays live. Shared ones count in each Worker that holds them.
 */
export function peakHeap(prev, h) {
  const mb = (b) => (b ?? 0) / 2 ** 20;
  const p = prev ?? { usedMb: 0, totalMb: 0, backingMb: 0 };
  return { usedMb: Math.max(p.usedMb, mb(h.usedSize)), totalMb: Math.max(p.totalMb, mb(h.totalSize)), backingMb: Math.max(p.backingMb, mb(h.backingStorageSize)) };
}

/** Writes each profile as a .cpuprofile (DevTools opens them) and returns the text of the top table. */
export function writeProfiles(dir, result, top = 25) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'page.cpuprofile'), JSON.stringify(result.page));
  const all = [result.page];
  result.workers.forEach((w, i) => {
    for (const [s, p] of w.profiles.entries()) writeFileSync(join(dir, `worker${i}-${s}.cpuprofile`), JSON.stringify(p));
    all.push(...w.profiles);
  });
  const rows = selfTimes(all);
  const total = rows.reduce((t, r) => t + r.ms, 0);
  const lines = [`self time over the page and ${result.workers.length} Workers: ${(total / 1000).toFixed(2)} s of samples`];
  lines.push('| self ms | % | function | where |', '|---|---|---|---|');
  for (const r of rows.slice(0, top)) {
    const file = r.url ? `${r.url.replace(/^.*\//, '')}:${r.line}` : '';
    lines.push(`| ${r.ms.toFixed(0)} | ${((100 * r.ms) / total).toFixed(1)} | ${r.name} | ${file} |`);
  }
  lines.push('', '| Worker | peak V8 heap used MB | total MB | peak ArrayBuffers MB |', '|---|---|---|---|');
  for (const w of result.workers) {
    if (!w.heap) continue;
    lines.push(`| ${w.url.replace(/^.*\//, '') || w.name || '(unnamed)'} | ${w.heap.usedMb.toFixed(0)} | ${w.heap.totalMb.toFixed(0)} | ${w.heap.backingMb.toFixed(0)} |`);
  }
  return lines.join('\n');
}
