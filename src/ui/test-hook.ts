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
  // Added by the map explorer (src/ui/map/Explorer.tsx) once it is mounted.
  /** HDBSCAN cluster per point (-1 noise) of the latest clustering, or null. */
  clusters?(): Int32Array | null;
  readonly clusterCount?: number;
  /** Indices of the selected points (lasso, click or search). */
  selection?(): number[];
  /** A point's position on the interactive map, CSS pixels from the map's top-left, or null. */
  screenPosition?(i: number): [number, number] | null;
  /** The shareable link of the current map, or null (local file, or nothing run yet). */
  readonly shareLink?: string | null;
}

declare global {
  interface Window {
    __mapstream?: MapstreamTestHook;
  }
}

export function installTestHook(hook: MapstreamTestHook): void {
  window.__mapstream = hook;
}
