// The quality of the finished map shown (trustworthiness@15, kNN recall@15 on a sample), measured in
// a Worker once the layout is final. A new map, or a new run's previews, cancel a measure under way.
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { Ingested } from '../../jobs/ingest-client';
import { messageOf } from '../../io/error-message';
import { measureQuality, type MapQualityResult, type QualityRun } from '../../jobs/quality-client';

export type QualityState =
  | { status: 'none'; reason: string | null }
  | { status: 'measuring'; done: number; total: number }
  | { status: 'done'; value: MapQualityResult }
  | { status: 'failed'; message: string };

export function createMapQuality(o: {
  /** The finished layout shown (row-major), or null while none is (previews, an empty map). */
  coords: Accessor<Float32Array | null>;
  nComponents: Accessor<number>;
  /** The vectors the map was made from, or null when the map shown has none (a map file). */
  input: Accessor<Ingested | null>;
}) {
  const [state, setState] = createSignal<QualityState>({ status: 'none', reason: null });
  let run: QualityRun | null = null;
  const stop = () => {
    run?.cancel();
    run = null;
  };

  createEffect(
    on([o.coords, o.input], ([coords, ing]) => {
      stop();
      if (!coords) return setState({ status: 'none', reason: null });
      const k = o.nComponents();
      const n = coords.length / k;
      const ds = ing?.dataset;
      if (!ds || ds.n !== n || ds.d < 1 || ds.data.length < n * ds.d) {
        return setState({ status: 'none', reason: 'Quality needs the vectors this map was made from; a map opened from a file or the library does not carry them.' });
      }
      setState({ status: 'measuring', done: 0, total: 1 });
      const mine = measureQuality(ds.data, n, ds.d, coords, k, (done, total) => {
        if (run === mine) setState({ status: 'measuring', done, total });
      });
      run = mine;
      mine.result.then(
        (value) => {
          if (run !== mine) return;
          run = null;
          setState({ status: 'done', value });
        },
        (err: unknown) => {
          if (run !== mine) return;
          run = null;
          setState({ status: 'failed', message: messageOf(err) });
        },
      );
    }),
  );
  onCleanup(stop);

  return {
    state,
    /** The measured numbers, once there are. */
    value: (): MapQualityResult | null => {
      const s = state();
      return s.status === 'done' ? s.value : null;
    },
  };
}
