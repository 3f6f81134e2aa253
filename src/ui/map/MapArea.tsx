import { createMemo, createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { ScatterMap } from '../ScatterMap';
import { useMapStore } from '../store';
import { ClusterLabelsOverlay } from './ClusterLabels';
import { MapLegend } from './MapLegend';
import { InspectMarkers, PointInspector } from './PointInspector';
import { Tooltip } from './Tooltip';
import { tooltipContent } from './tooltip-content';

/**
 * The map with its legend, its note (why it is plain), the hovered point's tooltip, the point
 * inspector and the cluster labels; `children` lie over the map (the add-points step), so they never
 * resize it.
 */
export function MapArea(props: { ref?: (el: HTMLDivElement) => void; children?: JSX.Element }) {
  const map = useMapStore();
  let area!: HTMLDivElement;
  const [hover, setHover] = createSignal<number | null>(null);
  const [pointer, setPointer] = createSignal<[number, number]>([0, 0]);
  // A finger has no hover: its tap selects and inspects the point (the inspector shows it), and a
  // tooltip from the tap's synthetic hover would sit at a stale spot over the map's cards.
  const [touch, setTouch] = createSignal(false);
  const coloring = () => map.colouring().coloring;
  const tooltip = createMemo(() =>
    tooltipContent(hover(), map.n(), map.clustering.clusters()?.labels ?? null, map.meta(), map.batchInfo(), map.input()?.dataset.labelName ?? map.frame()?.labelName),
  );
  const track = (e: PointerEvent) => {
    setTouch(e.pointerType === 'touch');
    const box = area.getBoundingClientRect();
    setPointer([e.clientX - box.left, e.clientY - box.top]);
  };
  // Esc anywhere on the page, as regl-scatterplot's own Esc did (which map-store's escape() replaces).
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) map.escape();
  };
  onMount(() => window.addEventListener('keyup', onKeyUp));
  onCleanup(() => window.removeEventListener('keyup', onKeyUp));
  const inspectCentre = () => {
    const i = map.control()?.nearestToCentre();
    if (i !== null && i !== undefined) map.inspector.inspect(i);
  };
  return (
    <div
      class="map-area"
      ref={(el) => {
        area = el;
        props.ref?.(el);
      }}
      onPointerMove={track}
      onPointerDown={track}
      onPointerLeave={() => setHover(null)}
    >
      <ScatterMap
        frame={map.frame()}
        coloring={map.filter.shown()}
        style={map.style.style()}
        onHover={setHover}
        onSelect={(pts) => map.selection.selected(pts)}
        onPick={(i) => map.inspector.inspect(i)}
        onInspectKey={inspectCentre}
        onView={(v) => map.viewChanged(v)}
        onDrawn={(f) => map.drawn(f)}
        control={(c) => map.attach(c)}
      />
      <ClusterLabelsOverlay />
      <InspectMarkers />
      <Show when={map.frame() && coloring().legend}>{(spec) => <MapLegend spec={spec()} filter={{ on: map.filter.on(), toggle: map.filter.toggle, reset: map.filter.reset }} />}</Show>
      <Show when={map.frame() && map.colouring().note}>{(note) => <div class="map-note map-note-top">{note()}</div>}</Show>
      <Tooltip content={touch() ? null : tooltip()} x={pointer()[0]} y={pointer()[1]} />
      <PointInspector />
      {props.children}
    </div>
  );
}
