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
 * peak of each field (peaks are taken per field, so they may come from different samples).
 */
export function startSampler(periodMs = 200) {
  let peak = memorySnapshot();
  const timer = setInterval(() => {
    const s = memorySnapshot();
    peak = { rssMb: Math.max(peak.rssMb, s.rssMb), pssMb: Math.max(peak.pssMb, s.pssMb) };
  }, periodMs);
  return () => {
    clearInterval(timer);
    const s = memorySnapshot();
    return { rssMb: Math.max(peak.rssMb, s.rssMb), pssMb: Math.max(peak.pssMb, s.pssMb) };
  };
}
