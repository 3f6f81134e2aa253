// The shapes the map's store parts share.
import type { Ingested } from '../../jobs/ingest-client';
import type { LinkSource, MapView } from '../../share/link';
import type { ParamsFormState } from '../params-form-model';
import type { MapFrame } from '../ScatterMap';

/** A finished map: computed by a run or opened from a map file. */
export interface MapResult {
  coords: Float32Array;
  nComponents: number;
  params: Record<string, unknown>;
  name: string;
  /** Clusters saved with an opened map file (shown until the map is clustered again). */
  clusters?: Int32Array;
  minClusterSize?: number;
}

/** Where the map's data came from, for share links: null source means a local file (no link). */
export interface ShareState {
  source: LinkSource | null;
  /** The parameter form as it was when the run started. */
  params: ParamsFormState | null;
}

/** What a share link in the page's URL asks the explorer to start with. */
export interface MapInitial {
  view?: MapView;
  color?: string;
  minClusterSize?: number;
}

/** HDBSCAN's latest labels for the points shown (-1: noise). */
export interface Clusters {
  labels: Int32Array;
  maxId: number;
  count: number;
  /** Computed on the finished layout. */
  final: boolean;
}

/** A map opened from a file, shown as it was saved. */
export interface OpenedMap {
  frame: MapFrame;
  ing: Ingested;
  result: MapResult;
}

/** What an export button asks to write. */
export type ExportKind = 'csv' | 'npy' | 'parquet' | 'png' | 'svg' | 'map' | 'selection';
