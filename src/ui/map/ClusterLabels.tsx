import { createMemo, For, Show } from 'solid-js';
import { useMapStore } from '../store';
import { cellText } from './coloring';
import { clusterLabels } from './cluster-labels';
import { screenTransform } from './screen-transform';
import './map-explore.css';

/** The cluster names over the map, at their centroids, following pan and zoom (a DOM overlay). */
export function ClusterLabelsOverlay() {
  const map = useMapStore();
  const labelColumn = () => {
    const name = map.input()?.dataset.labelName;
    return map.meta().find((c) => c.name === name) ?? null;
  };
  const placed = createMemo(() => {
    const f = map.frame();
    const c = map.clustering.clusters()?.labels;
    if (!map.style.clusterLabels() || !f || !c || c.length !== f.x.length) return [];
    const col = labelColumn();
    const labels = col ? Array.from({ length: f.x.length }, (_, i) => cellText(col, i)) : null;
    return clusterLabels(f.x, f.y, c, labels);
  });
  const onScreen = createMemo(() => {
    void map.view();
    const f = map.frame();
    const ps = placed();
    if (!f || ps.length === 0) return [];
    const toScreen = screenTransform(f, map.control());
    if (!toScreen) return [];
    return ps.map((p) => {
      const [sx, sy] = toScreen(p.x, p.y);
      return { ...p, sx, sy };
    });
  });
  return (
    <Show when={onScreen().length > 0}>
      <div class="cluster-labels" data-testid="cluster-labels" aria-hidden="true">
        <For each={onScreen()}>
          {(l) => (
            <span class="cluster-label" data-testid="cluster-label" style={{ left: `${l.sx}px`, top: `${l.sy}px` }}>
              {l.text}
            </span>
          )}
        </For>
      </div>
    </Show>
  );
}
