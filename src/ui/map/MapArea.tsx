import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import { ScatterMap } from '../ScatterMap';
import { useMapStore } from '../store';
import { MapLegend } from './MapLegend';
import { Tooltip } from './Tooltip';
import { tooltipContent } from './tooltip-content';

/**
 * The map with its legend, its note (why it is plain) and the hovered point's tooltip; `children`
 * lie over the map (the add-points step), so they never resize it.
 */
export function MapArea(props: { ref?: (el: HTMLDivElement) => void; children?: JSX.Element }) {
  const map = useMapStore();
  let area!: HTMLDivElement;
  const [hover, setHover] = createSignal<number | null>(null);
  const [pointer, setPointer] = createSignal<[number, number]>([0, 0]);
  const coloring = () => map.colouring().coloring;
  const tooltip = createMemo(() => tooltipContent(hover(), map.n(), map.clustering.clusters()?.labels ?? null, map.meta(), map.batchInfo()));
  const track = (e: PointerEvent) => {
    const box = area.getBoundingClientRect();
    setPointer([e.clientX - box.left, e.clientY - box.top]);
  };
  return (
    <div
      class="map-area"
      ref={(el) => {
        area = el;
        props.ref?.(el);
      }}
      onPointerMove={track}
      onPointerLeave={() => setHover(null)}
    >
      <ScatterMap
        frame={map.frame()}
        coloring={coloring()}
        style={map.style.style()}
        onHover={setHover}
        onSelect={(pts) => map.selection.selected(pts)}
        onView={(v) => map.viewChanged(v)}
        onDrawn={(f) => map.drawn(f)}
        control={(c) => map.attach(c)}
      />
      <Show when={map.frame() && coloring().legend}>{(spec) => <MapLegend spec={spec()} />}</Show>
      <Show when={map.frame() && map.colouring().note}>{(note) => <div class="map-note map-note-top">{note()}</div>}</Show>
      <Tooltip content={tooltip()} x={pointer()[0]} y={pointer()[1]} />
      {props.children}
    </div>
  );
}
