import type { CDPSession, Page } from '@playwright/test';

/**
 * CPU time of the page's main-thread tasks, from a Chrome trace.
 *
 * A long-task observer (or any timer in the page) measures wall time, and on a small shared machine
 * the OS scheduler can stretch a 3 ms task past 50 ms: such a check fails on load, not on the page.
 * The trace's top-level task events ('RunTask', or 'ThreadControllerImpl::RunTask' in older builds)
 * carry `tdur`, the thread's CPU time in the task (microseconds), which preemption does not inflate:
 * a task that does 100 ms of work costs about 100 ms of CPU however busy the machine is.
 */
interface MainThreadTask {
  name: string;
  /** Trace clock, microseconds. */
  ts: number;
  wallMs: number;
  cpuMs: number;
  /** The longest events inside the task (name and wall ms), for a failure message to say what it was. */
  inside: string;
}

interface MainThreadTrace {
  /** Top-level tasks of the renderer main thread, in trace order. */
  tasks: MainThreadTask[];
  /** console.timeStamp(label) calls made on that thread, by label: trace clock, microseconds. */
  marks: Map<string, number[]>;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { message?: string; frames?: { processId?: number; isOutermostMainFrame?: boolean }[] } };
}

const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

export interface MainThreadRecorder {
  stop(): Promise<MainThreadTrace>;
}

/** Starts a trace of `page`'s renderer; stop() ends it and returns the main thread's tasks. */
export async function traceMainThread(page: Page): Promise<MainThreadRecorder> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] },
    transferMode: 'ReturnAsStream',
  });
  return {
    async stop() {
      const complete = new Promise<{ stream?: string; dataLossOccurred: boolean }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      const { stream, dataLossOccurred } = await complete;
      if (!stream) throw new Error('Tracing.tracingComplete gave no stream');
      const text = await readStream(cdp, stream);
      await cdp.detach();
      // A full buffer drops events silently; a partial trace could miss the very task that is long.
      if (dataLossOccurred) throw new Error('the trace lost data (buffer full)');
      return mainThread(JSON.parse(text));
    },
  };
}

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  const parts: string[] = [];
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle, size: 1 << 20 });
    parts.push(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data);
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle });
  return parts.join('');
}

function mainThread(trace: { traceEvents: TraceEvent[] } | TraceEvent[]): MainThreadTrace {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  // The renderer that hosts the page's main frame, as the browser reports it when tracing starts.
  const pids = new Set<number>();
  for (const e of events) {
    if (e.name !== 'TracingStartedInBrowser') continue;
    for (const f of e.args?.data?.frames ?? []) if (f.isOutermostMainFrame && f.processId != null) pids.add(f.processId);
  }
  if (pids.size !== 1) throw new Error(`expected one renderer for the page's main frame in the trace, found ${pids.size}`);
  const [pid] = pids;
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain');
  if (mains.length !== 1) throw new Error(`expected one CrRendererMain thread in renderer ${pid}, found ${mains.length}`);
  const tid = mains[0].tid;

  const tasks: MainThreadTask[] = [];
  const marks = new Map<string, number[]>();
  const nested: TraceEvent[] = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.ph === 'X' && !TASK_NAMES.has(e.name) && e.dur != null) nested.push(e);
    if (e.ph === 'X' && TASK_NAMES.has(e.name)) {
      if (e.dur == null) throw new Error(`task event without a duration in the trace: ${JSON.stringify(e)}`);
      // Chromium sometimes leaves tdur off a task (seen on 1 µs RunTasks in a clean-clone run). A thread
      // cannot spend more CPU in a task than the task's wall time, so the wall time is a safe upper bound.
      tasks.push({ name: e.name, ts: e.ts, wallMs: e.dur / 1000, cpuMs: (e.tdur ?? e.dur) / 1000, inside: '' });
    } else if (e.name === 'TimeStamp' && e.args?.data?.message) {
      const label = e.args.data.message;
      marks.set(label, [...(marks.get(label) ?? []), e.ts]);
    }
  }
  tasks.sort((a, b) => a.ts - b.ts);
  for (const t of tasks) {
    if (t.wallMs < 20) continue;
    const end = t.ts + t.wallMs * 1000;
    const within = nested.filter((e) => e.ts >= t.ts && e.ts < end).sort((a, b) => b.dur! - a.dur!);
    t.inside = within
      .slice(0, 6)
      .map((e) => `${e.name}${e.args?.data && 'functionName' in e.args.data ? ` ${(e.args.data as { functionName?: string }).functionName}` : ''} ${(e.dur! / 1000).toFixed(1)} ms`)
      .join(', ');
  }
  return { tasks, marks };
}
