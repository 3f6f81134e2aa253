import { createEffect, on, onMount } from 'solid-js';
import { ErrorBanner } from './ErrorBanner';
import { Explorer } from './map/Explorer';
import { LeftPanel } from './panels/LeftPanel';
import { PanelToggle } from './panels/PanelParts';
import { createPanelState } from './panels/panel-state';
import { useAppStore, useMapStore, usePageActions } from './store';

/**
 * The page: a slim header with the panels' toggles, and the map filling the rest. The panels (data,
 * run and jobs on the left; selection, export and share on the right) lie over the map, so opening
 * them or their content growing never resizes it.
 */
export function App() {
  const app = useAppStore();
  const actions = usePageActions();
  const map = useMapStore();
  const panels = createPanelState();
  // A share link in the URL runs once the page is up.
  onMount(() => void actions.startFromLink());
  // The first map drawn where there was none takes the stage (a phone's sheet makes way for it).
  createEffect(
    on(
      () => !!map.frame(),
      (shown, was) => shown && !was && panels.mapShown(),
      { defer: true },
    ),
  );

  return (
    <div class="app">
      <header class="app-header">
        <h1>mapstream</h1>
        <p class="tagline">UMAP maps of your embeddings, computed in your browser. Nothing is uploaded.</p>
        <nav class="panel-toggles" aria-label="Panels">
          <PanelToggle controls="panel-left" testId="toggle-left" open={panels.leftOpen()} onToggle={panels.toggleLeft}>
            Data<span class="wide-only"> &amp; jobs</span>
          </PanelToggle>
          <PanelToggle controls="panel-right" testId="toggle-right" open={panels.rightOpen()} onToggle={panels.toggleRight}>
            Selection<span class="wide-only"> &amp; export</span>
          </PanelToggle>
        </nav>
      </header>
      <ErrorBanner message={app.error()} onDismiss={() => app.clearError()} />
      <main class="main">
        <Explorer panels={panels} left={<LeftPanel panels={panels} />} />
      </main>
    </div>
  );
}
