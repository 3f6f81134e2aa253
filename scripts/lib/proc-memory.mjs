// Memory of the process tree below this Node process (i.e. the whole Chromium a bench launched),
// read from /proc. Shared by scripts/bench.mjs and scripts/parse-bench.mjs so both report the
// same quantity: the sums of RSS and of PSS (PSS splits pages shared between processes, RSS counts
// them in each).
import { readdirSync, readFileSync } from 'node:fs';

function childrenMap() {
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name may contain spaces and parentheses; the ppid follows the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!kids.has(ppid)) kids.set(ppid, []);
    kids.get(ppid).push(Number(name));
  }
  return kids;
}

function descendants(pid) {
  const kids = childrenMap();
  const out = [];
  const stack = [...(kids.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

function readKb(file, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process exited between listing and reading
  }
}

/** Summed RSS and PSS (MB) of every process below this one, now. */
export function memorySnapshot() {
  let rss = 0;
  let pss = 0;
  for (const pid of descendants(process.pid)) {
    rss += readKb(`/proc/${pid}/status`, 'VmRSS');
    pss += readKb(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024 };
}

/**
 * Samples memorySnapshot() every periodMs; the returned stop() takes one last sample and gives the
 * peak of each field (peaks are taken per field, so they may come from different samples), and every
 * sample's RSS with its wall-clock time, to be matched to what the run was doing then.
 */
export function startSampler(periodMs = 200) {
  const samples = [];
  let peak = { rssMb: 0, pssMb: 0 };
  const take = () => {
    const s = memorySnapshot();
    samples.push({ t: Date.now(), rssMb: s.rssMb });
    peak = { rssMb: Math.max(peak.rssMb, s.rssMb), pssMb: Math.max(peak.pssMb, s.pssMb) };
  };
  take();
  const timer = setInterval(take, periodMs);
  return () => {
    clearInterval(timer);
    take();
    return { ...peak, samples };
  };
}

/**
 * The peak RSS above `baselineMb` in each phase of `timeline` (the page's {t, phase, at} marks), and
 * the mark in effect at the overall peak. A sample before the first mark counts as 'start'.
 */
export function memoryByPhase(samples, timeline, baselineMb) {
  const byPhase = {};
  let at = null;
  let best = -Infinity;
  let m = -1;
  for (const s of samples) {
    while (m + 1 < timeline.length && timeline[m + 1].t <= s.t) m++;
    const mark = m >= 0 ? timeline[m] : { phase: 'start', at: 'start' };
    const mb = Math.round(s.rssMb - baselineMb);
    byPhase[mark.phase] = Math.max(byPhase[mark.phase] ?? -Infinity, mb);
    if (s.rssMb > best) {
      best = s.rssMb;
      at = mark.at;
    }
  }
  return { byPhase, at };
}
