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
  /**
   * Put a batch of placed points on the finished map, as a transform job's result would (the
   * arrays as plain numbers, so a test can pass them through page.evaluate). Returns the batch's
   * clusters and advice, or the error's message.
   */
  addBatch?(placed: TestPlacedPoints, name: string, labels?: string[]): { clusters: number[]; advice: string[] } | { error: string };
  /** Each point's batch (0: fitted), or null before points were added. */
  batches?(): number[] | null;
  /** The colour point i is drawn with on the interactive map now (#rrggbb), or null before it is drawn. */
  pointColor?(i: number): string | null;
  /** The interactive map's camera, or null before it is drawn. */
  view?(): { target: [number, number]; distance: number } | null;
  /** The point in the inspector (null: closed) and its neighbours once found. */
  inspected?(): { row: number | null; neighbours: number[] | null; source: string | null };
  /** Where the map shown came from: its fit (or model) job and library entry, null when none. */
  origin?(): { jobId: string | null; libraryId: string | null };
  /** Library saves this page has queued and not finished. */
  readonly librarySavesPending?: number;
  /** Jobs finished in this page that the library has settled (kept, or found deleted). */
  readonly libraryKeptJobs?: number;
}

interface TestPlacedPoints {
  embedding: number[];
  m: number;
  nComponents: number;
  indices: number[];
  distances: number[];
  k: number;
  meanNearestDistance: number;
  fittedMeanKnnDistance: number;
}

declare global {
  interface Window {
    __mapstream?: MapstreamTestHook;
  }
}
