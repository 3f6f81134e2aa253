// The map explorer: the toolbar, the map, and the side panels over it (the page's left panel, and the
// selection, export and share panels on the right), wired to the map store. The pieces are views
// (MapToolbar, ExplorerPanels, panels/PanelParts) or small containers (MapArea).
import { createSignal, type JSX } from 'solid-js';
import { AddPointsButton, AddPointsPanel } from '../AddPoints';
import { SidePanel } from '../panels/PanelParts';
import type { PanelState } from '../panels/panel-state';
import { autoPointSize } from '../ScatterMap';
import { useMapStore } from '../store';
import { colorByKey } from './coloring';
import { ExportPanel, SelectionPanel, SharePanel } from './ExplorerPanels';
import { MapArea } from './MapArea';
import { QualityBadge } from './QualityBadge';
import { MapCaption } from './MapCaption';
import { MapProgress } from './MapProgress';
import { ColourControls, SearchBox, StyleControls, ViewControls } from './MapToolbar';
import './explorer.css';

/** panels: what is open; left: the page's left panel, laid over the map's left side. */
export function Explorer(props: { panels: PanelState; left: JSX.Element }) {
  const map = useMapStore();
  // On a phone the view controls fold behind one button, so the toolbar stays one compact row.
  const [moreOpen, setMoreOpen] = createSignal(false);
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
          labelName={map.input()?.categories ? (map.input()?.dataset.labelName ?? 'label') : undefined}
          hasBatches={!!map.batchInfo()}
          meta={map.meta()}
          onColor={colour.setColorKey}
          mcsText={clustering.mcsText()}
          mcsPlaceholder={clustering.defaultSize()}
          onMcs={clustering.setMcsText}
        />
        <button type="button" class="toolbar-more-toggle" aria-expanded={moreOpen()} aria-controls="toolbar-more" data-testid="toolbar-more-toggle" onClick={() => setMoreOpen(!moreOpen())}>
          View
        </button>
        <div id="toolbar-more" class="toolbar-more" classList={{ open: moreOpen() }}>
          <StyleControls
            pointSize={style.style().pointSize ?? autoPointSize(map.n())}
            opacity={style.style().opacity}
            byDensity={style.style().opacityByDensity}
            onPointSize={style.setPointSize}
            onOpacity={style.setOpacity}
            onDensity={style.setDensity}
          />
          <ViewControls
            lasso={selection.lasso()}
            onReset={() => map.control()?.resetView()}
            onLasso={selection.toggleLasso}
            clusterLabels={style.clusterLabels()}
            onClusterLabels={style.setClusterLabels}
          />
          <SearchBox value={selection.search()} note={selection.searchNote()} onInput={selection.setSearch} onSearch={selection.runSearch} />
          <AddPointsButton />
        </div>
      </div>
      <div class="map-stage" classList={{ 'left-open': props.panels.leftOpen(), 'right-open': props.panels.rightOpen() }}>
        <MapArea ref={(el) => (area = el)}>
          <AddPointsPanel />
          <QualityBadge />
          <MapCaption />
          <MapProgress />
        </MapArea>
        <SidePanel id="panel-left" side="left" label="Data, jobs, library and settings" open={props.panels.leftOpen()}>
          {props.left}
        </SidePanel>
        <SidePanel id="panel-right" side="right" label="Selection, export and share" open={props.panels.rightOpen()}>
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
              settings={exports.settings}
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
        </SidePanel>
      </div>
    </div>
  );
}
