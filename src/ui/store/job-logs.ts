// Each job's own log, kept apart: every job this tab runs is watched from its start, so its lines are
// there when it is shown later, and two jobs running at once never mix their lines.
import { onCleanup } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { Scheduler } from '../../jobs/scheduler';

export function createJobLogs(scheduler: Scheduler) {
  const [logs, setLogs] = createStore<Record<string, string[]>>({});
  const watched = new Map<string, () => void>();

  const append = (id: string, lines: string[]) => {
    if (lines.length === 0) return;
    setLogs(
      produce((all) => {
        all[id] = [...(all[id] ?? []), ...lines];
      }),
    );
  };

  /** Collect the job's lines from now on (watchers outlive a pause and follow the resumed run). */
  const watch = (id: string) => {
    if (watched.has(id)) return;
    watched.set(id, scheduler.watch(id, { onLog: (line) => append(id, [line]) }));
  };

  // Jobs started by recovery or by the test hook are watched as soon as the scheduler lists them
  // running here; a job that is gone takes its log with it.
  const sync = () => {
    const ids = new Set<string>();
    for (const j of scheduler.list()) {
      ids.add(j.id);
      if (j.local) watch(j.id);
    }
    for (const [id, stop] of watched) {
      if (ids.has(id)) continue;
      stop();
      watched.delete(id);
    }
    const gone = Object.keys(logs).filter((id) => !ids.has(id));
    if (gone.length > 0)
      setLogs(
        produce((all) => {
          for (const id of gone) delete all[id];
        }),
      );
  };
  onCleanup(scheduler.subscribe(sync));
  onCleanup(() => {
    for (const stop of watched.values()) stop();
  });

  return {
    /** The job's lines so far (reactive). */
    of: (id: string | null): string[] => (id ? (logs[id] ?? []) : []),
    watch,
    /** The job's complete account (a finished job's result log, which holds every line). */
    replace(id: string, lines: string[]) {
      setLogs(id, [...lines]);
    },
  };
}
