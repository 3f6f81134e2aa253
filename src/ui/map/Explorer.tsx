// The map explorer: the toolbar, the map, and the selection, export and share panels, wired to the
// map store. The pieces are views (MapToolbar, ExplorerPanels) or small containers (MapArea).
import { AddPointsButton, AddPointsPanel } from '../AddPoints';
import { autoPointSize } from '../ScatterMap';
import { useMapStore } from '../store';
import { colorByKey } from './coloring';
import { ExportPanel, SelectionPanel, SharePanel } from './ExplorerPanels';
import { MapArea } from './MapArea';
import { MapCaption } from './MapCaption';
import { MapProgress } from './MapProgress';
import { ColourControls, SearchBox, StyleControls, ViewControls } from './MapToolbar';
import './explorer.css';

export function Explorer() {
  const map = useMapStore();
  const { colour, clustering, selection, style, exports, shareLink } = map;
  let area: HTMLDivElement | undefined;
  const box = () => area?.getBoundingClientRect() ?? { width: 0, height: 0 };
  const labels = () => clustering.clusters()?.labels ?? null;

  // The selection list shows one column: the labels if there are any, else the first text column.
  const listColumn = () => {
    const cols = map.meta();
    const labelName = map.input()?.dataset.labelName;
    return cols.find((c) => c.name === labelName) ?? cols.find((c) => !(c.values instanceof Float64Array)) ?? cols[0] ?? null;
  };

  return (
    <div class="explorer">
      <div class="map-toolbar" data-testid="map-toolbar">
        <ColourControls
          colorKey={colorByKey(colour.colorBy())}
          hasLabels={!!map.frame()?.categories}
          hasBatches={!!map.batchInfo()}
          meta={map.meta()}
          onColor={colour.setColorKey}
          mcsText={clustering.mcsText()}
          mcsPlaceholder={clustering.defaultSize()}
          onMcs={clustering.setMcsText}
        />
        <StyleControls
          pointSize={style.style().pointSize ?? autoPointSize(map.n())}
          opacity={style.style().opacity}
          byDensity={style.style().opacityByDensity}
          onPointSize={style.setPointSize}
          onOpacity={style.setOpacity}
          onDensity={style.setDensity}
        />
        <ViewControls lasso={selection.lasso()} onReset={() => map.control()?.resetView()} onLasso={selection.toggleLasso} />
        <SearchBox value={selection.search()} note={selection.searchNote()} onInput={selection.setSearch} onSearch={selection.runSearch} />
        <AddPointsButton />
      </div>
      <MapArea ref={(el) => (area = el)}>
        <AddPointsPanel />
        <MapCaption />
        <MapProgress />
      </MapArea>
      <div class="map-panels">
        <SelectionPanel
          selection={selection.selection()}
          n={map.n()}
          clusters={labels()}
          listColumn={listColumn()}
          onExport={() => void exports.save('selection', box())}
          onClear={selection.clear}
        />
        <ExportPanel
          meta={map.meta()}
          chosen={exports.chosenMeta()}
          onChoose={exports.setChosenMeta}
          hasResult={!!map.result()}
          onExport={(kind) => void exports.save(kind, box())}
          error={exports.error()}
          clusterNote={clustering.note()}
          mcsError={clustering.mcsError()}
        />
        <SharePanel link={shareLink.link()} noLinkReason={shareLink.noLinkReason()} copied={shareLink.copied()} onCopy={() => void shareLink.copy()} />
      </div>
    </div>
  );
}
