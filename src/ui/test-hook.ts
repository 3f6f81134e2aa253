// Test hook: a stable, read-only view of the app's state for end-to-end tests (and the curious
// user in devtools). It is part of the public surface; keep the shape unchanged.
export type AppStatus = 'idle' | 'running' | 'done' | 'error';

export interface MapstreamTestHook {
  readonly status: AppStatus;
  /** Points currently drawn on the map. */
  readonly points: number;
  /** The last finished layout, row-major n × nComponents, or null before the first finished run. */
  coords(): Float32Array | null;
  readonly lastError: string | null;
}

declare global {
  interface Window {
    __mapstream?: MapstreamTestHook;
  }
}

export function installTestHook(hook: MapstreamTestHook): void {
  window.__mapstream = hook;
}
