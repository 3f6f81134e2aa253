// Streaming HDBSCAN over the map shown: every preview while colouring by cluster, and every finished
// layout. Clusters saved with an opened map file are shown as they are until the map is clustered again.
import { batch, createEffect, createMemo, createSignal, onCleanup, untrack, type Accessor } from 'solid-js';
import { StreamingClusterer } from '../../jobs/cluster-client';
import { defaultMinClusterSize } from '../../jobs/engine-api';
import type { MapFrame } from '../ScatterMap';
import type { Clusters, MapResult } from './map-types';

export function createClustering(o: {
  frame: Accessor<MapFrame | null>;
  result: Accessor<MapResult | null>;
  /** Whether the map is coloured by cluster (previews are then clustered too). */
  wanted: Accessor<boolean>;
  initialMinClusterSize: number | undefined;
  /** Called when other points replace the ones shown (another dataset, or a new run). */
  onNewPoints(): void;
  /** The clusters of the points added to the finished map (frame.added on), batch after batch. */
  addedClusters: Accessor<Int32Array | null>;
}) {
  const [mcsText, setMcsText] = createSignal<string>(o.initialMinClusterSize ? String(o.initialMinClusterSize) : '');
  const [clusters, setClusters] = createSignal<Clusters | null>(null);
  const [note, setNote] = createSignal<string | null>(null);
  const n = () => o.frame()?.x.length ?? 0;
  const typed = () => mcsText().trim() !== '';
  const valid = () => Number.isInteger(Number(mcsText())) && Number(mcsText()) >= 2;
  // From the fitted points alone: added points must not change the default, which would re-cluster
  // (and renumber) the whole map.
  const defaultSize = () => defaultMinClusterSize(Math.max(1, o.frame()?.added ?? n()));
  const minClusterSize = createMemo(() => (typed() && valid() ? Number(mcsText()) : defaultSize()));
  const mcsError = () => (typed() && !valid() ? 'Minimum cluster size must be a whole number ≥ 2.' : null);

  const clusterer = new StreamingClusterer(
    (u) => {
      batch(() => {
        setClusters({ labels: u.labels, maxId: u.maxId, count: u.clusterCount, final: u.final });
        setNote(`${u.clusterCount} clusters, ${countNoise(u.labels).toLocaleString('en-US')} noise points (HDBSCAN, ${u.seconds.toFixed(2)} s)`);
      });
    },
    (msg) => setNote(`Clustering failed: ${msg}`),
  );
  onCleanup(() => clusterer.dispose());

  let lastFrame: MapFrame | null = null;
  let lastMcs = 0;
  createEffect(() => {
    const f = o.frame();
    const mcs = minClusterSize();
    const wanted = o.wanted();
    if (!f) return;
    const mcsChanged = mcs !== lastMcs;
    lastMcs = mcs;
    // Points added to the finished map bring their clusters: the others keep theirs, and nothing is
    // re-clustered (that would renumber every cluster). A new min cluster size re-clusters them all.
    if (f.added !== undefined && !mcsChanged && untrack(() => extendClusters(f))) {
      lastFrame = f;
      return;
    }
    const newPoints = !lastFrame || lastFrame.x.length !== f.x.length || (lastFrame.final && !f.final);
    if (newPoints) {
      clusterer.reset();
      untrack(() => {
        const saved = o.result()?.clusters;
        setClusters(f.final && saved && saved.length === f.x.length ? savedClusters(saved) : null);
        o.onNewPoints();
      });
      const r = o.result();
      if (f.final && r?.clusters && mcs === (r.minClusterSize ?? mcs)) {
        lastFrame = f;
        return;
      }
    }
    lastFrame = f;
    if (f.final || wanted) clusterer.submit(f.x, f.y, mcs, f.final);
  });

  /** Keep the clusters shown and append the added points' own; false when there is nothing to extend. */
  const extendClusters = (f: MapFrame): boolean => {
    const c = clusters();
    const added = o.addedClusters();
    if (!lastFrame?.final || !c?.final || c.labels.length !== lastFrame.x.length || c.labels.length < f.added! || added?.length !== f.x.length - f.added!) return false;
    if (c.labels.length === f.x.length) return true;
    const labels = new Int32Array(f.x.length);
    labels.set(c.labels);
    labels.set(added.subarray(c.labels.length - f.added!), c.labels.length);
    let maxId = -1;
    for (let i = 0; i < labels.length; i++) if (labels[i]! > maxId) maxId = labels[i]!;
    batch(() => {
      setClusters({ labels, maxId, count: new Set(labels).size - (labels.includes(-1) ? 1 : 0), final: true });
      setNote(
        `${c.count} clusters on the fitted map; ${(f.x.length - f.added!).toLocaleString('en-US')} added points placed in them (${countNoise(labels.subarray(f.added!)).toLocaleString('en-US')} as noise)`,
      );
    });
    return true;
  };

  return { clusters, note, mcsText, setMcsText, minClusterSize, defaultSize, mcsError, typed };
}

function savedClusters(saved: Int32Array): Clusters {
  // A loop, not Math.max(...saved): spreading a 200k-point map's labels overflows the call stack.
  let maxId = -1;
  for (let i = 0; i < saved.length; i++) if (saved[i]! > maxId) maxId = saved[i]!;
  return { labels: saved, maxId, count: new Set(saved).size - (saved.includes(-1) ? 1 : 0), final: true };
}

function countNoise(labels: Int32Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! < 0) c++;
  return c;
}
