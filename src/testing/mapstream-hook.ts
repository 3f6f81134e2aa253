// window.__mapstream: a stable, read-only view of the app's state for end-to-end tests (and the
// curious developer in devtools), installed only on a page opened for tests. Keep the shape unchanged.
import type { AppStatus } from '../ui/store';

export interface MapstreamTestHook {
  readonly status: AppStatus;
  /** Points currently drawn on the map. */
  readonly points: number;
  /** The last finished layout, row-major n × nComponents, or null before the first finished run. */
  coords(): Float32Array | null;
  readonly lastError: string | null;
  /** HDBSCAN cluster per point (-1 noise) of the latest clustering, or null. */
  clusters?(): Int32Array | null;
  readonly clusterCount?: number;
  /** Whether clusters() was computed on the finished layout (or saved with an opened map). */
  readonly clustersFinal?: boolean;
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
