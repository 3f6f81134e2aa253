// "Prepare for adding points" on a precomputed map whose file also holds the vectors: a model job
// (a kNN-only pass over those vectors, scheduler.submitModel) keeps the fitted model, and once it
// completes the map shown records that job as its origin, so points can be added to it as to a
// computed map. Offered, not started by itself: on a large file the pass takes real CPU time.
import { createSignal, onCleanup } from 'solid-js';
import type { SaveOrigin } from '../../jobs/map-library';
import type { JobView, Scheduler } from '../../jobs/scheduler';
import { messageOf } from '../../io/error-message';
import { readParams, type ParamsFormState } from '../params-form-model';
import type { MapStore } from './map-store';

/** What the offer says before it is taken: the vectors, and the parameters the model will be kept with. */
export interface ModelOffer {
  n: number;
  d: number;
  nNeighbors: number;
  metric: string;
  /** Assumed: a map made elsewhere does not say its min_dist and spread, which set new points' a and b. */
  minDist: number;
  spread: number;
}

export function createMapModel(map: MapStore, scheduler: Scheduler, form: ParamsFormState) {
  // The model job started for the map shown, keyed by that map's origin (one object per map shown).
  const [started, setStarted] = createSignal<{ jobId: string; origin: SaveOrigin } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [jobsSeen, setJobsSeen] = createSignal(0);
  onCleanup(scheduler.subscribe(() => setJobsSeen((v) => v + 1)));

  /** The map shown came from a file that holds its vectors too, and has no model yet. */
  const indexable = () => {
    const c = map.input()?.dataset.coords;
    return !!c && !c.alsoData && !map.origin().jobId && !!map.result();
  };

  /** The model job of the map shown while it runs (or failed), else null. */
  const job = (): JobView | null => {
    jobsSeen();
    const s = started();
    return s && s.origin === map.origin() ? scheduler.get(s.jobId) : null;
  };

  return {
    error,
    job,
    /** The offer for the map shown, or null when there is nothing to offer (or its job has started). */
    offer(): ModelOffer | null {
      if (!indexable() || job()) return null;
      const ds = map.input()!.dataset;
      const p = (() => {
        try {
          return readParams(form);
        } catch {
          return {};
        }
      })();
      return { n: ds.n, d: ds.d, nNeighbors: p.nNeighbors ?? 15, metric: p.metric ?? 'euclidean', minDist: p.minDist ?? 0.1, spread: p.spread ?? 1 };
    },
    /** The map shown has the model of this job (set once it completed). */
    ready: () => {
      const s = started();
      return !!s && map.origin().jobId === s.jobId;
    },
    /** Start the model job for the map shown; a bad parameter or a mismatch is said, and nothing starts. */
    prepare() {
      const ing = map.input();
      const c = ing?.dataset.coords;
      if (!ing || !c || !indexable()) return;
      setError(null);
      const { data, n, d, memory } = ing.dataset;
      const origin = map.origin();
      try {
        const labels = { categories: ing.categories, ...(ing.dataset.labelName !== undefined ? { labelName: ing.dataset.labelName } : {}) };
        const id = scheduler.submitModel(memory ? { data, n, d, memory } : { data, n, d }, c.data, c.dim, { name: ing.dataset.fileName, ...labels }, readParams(form));
        setStarted({ jobId: id, origin });
        scheduler.whenDone(id).then(
          () => {
            // Still the same map on screen: it now stands on the model (another map shown is left alone;
            // the library records the job on this map's entry either way).
            if (map.origin() === origin) map.attachJob(id, d);
          },
          () => {},
        );
      } catch (err) {
        setError(messageOf(err));
      }
    },
  };
}

export type MapModel = ReturnType<typeof createMapModel>;
