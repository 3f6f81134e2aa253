import { createEffect, createMemo, createSignal, on } from 'solid-js';
import { PHASES, type PhaseName } from '../jobs/engine-api';
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
  // The phases already told for the running transform, so each is told once however updates fall.
  const told = new Set<PhaseName>();
  createEffect(
    on(add.running, (r, before) => {
      if (!r || r.id === before?.id) return;
      told.clear();
      setText(`Adding ${formatCount(r.m)} points from ${r.name} to the map…`);
    }),
  );
  createEffect(
    on(phase, (p) => {
      if (!p || !add.running()) return;
      // Every reported phase before this one, not yet told: a short one may end within one screen update.
      const ended = PHASES.filter((q) => PHASES.indexOf(q) < PHASES.indexOf(p) && add.progress[q] && !told.has(q));
      if (ended.length === 0) return;
      for (const q of ended) told.add(q);
      setText(`Adding points: ${ended.map((q) => PHASE_LABELS[q]).join(' and ')} done, ${p === 'layout' ? 'placing the points on the map' : 'finding their start positions'}…`);
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
