// The pieces of the side panels: the header's toggles, the panels themselves and their accordion
// sections. Views only; panel-state.ts says what is open.
import type { JSX } from 'solid-js';
import './panels.css';

/** A header button that opens and closes the panel whose id it names. */
export function PanelToggle(props: { controls: string; open: boolean; onToggle(): void; testId: string; children: JSX.Element }) {
  return (
    <button type="button" class="panel-toggle" aria-expanded={props.open} aria-controls={props.controls} data-testid={props.testId} onClick={() => props.onToggle()}>
      {props.children}
    </button>
  );
}

/**
 * A panel over the map: beside it on wide screens, a bottom sheet on narrow ones. Closed panels stay
 * mounted (hidden), so what is typed or chosen in them survives closing.
 */
export function SidePanel(props: { id: string; side: 'left' | 'right'; label: string; open: boolean; children: JSX.Element }) {
  return (
    <aside id={props.id} class={`side-panel side-${props.side}`} aria-label={props.label} hidden={!props.open} data-testid={props.id}>
      {props.children}
    </aside>
  );
}

/** One accordion section of a side panel: a heading whose button shows or hides the body. */
export function PanelSection(props: { id: string; title: string; open: boolean; onToggle(): void; children: JSX.Element }) {
  const bodyId = () => `section-${props.id}`;
  return (
    <section class="panel-section" classList={{ open: props.open }}>
      <h2 class="panel-section-head">
        <button type="button" aria-expanded={props.open} aria-controls={bodyId()} data-testid={`section-${props.id}-toggle`} onClick={() => props.onToggle()}>
          <span class="chevron" aria-hidden="true" />
          {props.title}
        </button>
      </h2>
      <div id={bodyId()} class="panel-section-body" hidden={!props.open}>
        {props.children}
      </div>
    </section>
  );
}
