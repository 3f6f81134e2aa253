import { createEffect, createMemo, createSignal, on } from 'solid-js';
import { formatCount } from './format';
import { currentPhase, PHASE_LABELS } from './ProgressPanel';
import { useAddPoints } from './store';

/**
 * The add-points step's one polite live region: the start of a transform, each phase it finishes and
 * what landed — once each, never per progress tick (the bars themselves are not live). The job card's
 * announcer speaks for fits only, so without this a screen reader would hear nothing of a transform.
 */
export function AddPointsAnnouncer() {
  const add = useAddPoints();
  const [text, setText] = createSignal('');
  const phase = createMemo(() => currentPhase(add.progress)?.phase ?? null);
  createEffect(
    on(add.running, (r, before) => {
      if (r && r.id !== before?.id) setText(`Adding ${formatCount(r.m)} points from ${r.name} to the map…`);
    }),
  );
  createEffect(
    on(phase, (p, before) => {
      if (p && before && p !== before && add.running()) setText(`Adding points: ${PHASE_LABELS[before]} done, placing the points on the map…`);
    }),
  );
  createEffect(
    on(add.landed, (b) => {
      if (!b) return;
      const where = b.inLibrary ? `the library map “${b.inLibrary}”` : 'the map';
      setText(`${formatCount(b.m)} points from ${b.name} are on ${where}; ${formatCount(b.clustered)} joined a cluster.`);
    }),
  );
  return (
    <div class="visually-hidden" role="status" data-testid="add-points-announcer">
      {text()}
    </div>
  );
}
