/// <reference lib="webworker" />
// Clusters the 2-D map off the main thread. It remembers the previous labels of its stream, so ids
// (and the colours the page gives them) stay put while the layout settles; a finished layout's ids
// are canonical instead, so every viewer of a map sees the same ones.
import * as Comlink from 'comlink';
import { hdbscan } from '../src/cluster/hdbscan';
import { canonicalLabels, matchToPrevious } from '../src/cluster/stable-labels';
import type { ClusterWorkerApi } from '../src/jobs/cluster-protocol';
import { messageOf } from '../src/io/error-message';

let previous: Int32Array | null = null;

const api: ClusterWorkerApi = {
  cluster(x, y, minClusterSize, ids) {
    try {
      const t0 = performance.now();
      const raw = hdbscan(x, y, { minClusterSize });
      const labels = ids === 'canonical' ? canonicalLabels(raw.labels, raw.clusterCount) : matchToPrevious(ids === 'continue' ? previous : null, raw.labels, raw.clusterCount).labels;
      previous = labels;
      // Ids may have gaps after matching; the page sizes its palette by the largest id.
      let maxId = -1;
      for (let i = 0; i < labels.length; i++) if (labels[i]! > maxId) maxId = labels[i]!;
      const copy = labels.slice();
      return Comlink.transfer({ ok: true as const, labels: copy, clusterCount: raw.clusterCount, maxId, seconds: (performance.now() - t0) / 1000 }, [copy.buffer]);
    } catch (err) {
      return { ok: false as const, message: messageOf(err) };
    }
  },
};

Comlink.expose(api);
