// Web Locks that tie jobs to tabs. A tab holds one lock for its lifetime (mapstream-tab:<id>) and one
// per job it runs (mapstream-job:<id>); the browser drops both when the tab closes or reloads,
// which is how other tabs learn that they may take its jobs over. Two tabs can never hold the same
// job's lock, so they never run the same job at once.

/** Held by each open tab for its lifetime, so others can tell a live owner from a closed one. */
export const TAB_PREFIX = 'mapstream-tab:';
/** Held while a job runs, so two tabs never run the same job. */
export const JOB_PREFIX = 'mapstream-job:';

export interface HeldLock {
  release(): void;
}

function locks(): LockManager | undefined {
  return (globalThis.navigator as Navigator | undefined)?.locks;
}

/** Take the lock if nobody holds it; null when someone does. Without Web Locks, always granted. */
export async function tryLock(name: string): Promise<HeldLock | null> {
  const lm = locks();
  if (!lm) return { release() {} };
  return new Promise<HeldLock | null>((resolve) => {
    void lm.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise<void>((release) => resolve({ release }));
    });
  });
}

/** Names of the locks some tab (this one included) holds now. */
export async function lockedNames(): Promise<Set<string>> {
  const lm = locks();
  const out = new Set<string>();
  if (!lm) return out;
  const state = await lm.query();
  for (const l of state.held ?? []) if (l.name) out.add(l.name);
  return out;
}

/**
 * Queue for a lock; `granted` runs once its holder lets go and keeps the lock until it calls
 * release. The signal withdraws the request.
 */
export function waitForLock(name: string, granted: (lock: HeldLock) => void, signal: AbortSignal): void {
  const lm = locks();
  if (!lm) return;
  lm.request(name, { signal }, () => new Promise<void>((release) => granted({ release }))).catch(() => {
    // Aborted: this tab no longer wants it.
  });
}
