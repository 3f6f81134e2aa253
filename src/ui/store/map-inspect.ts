// The point inspector's state: which point is inspected and its k nearest neighbours in the original
// (high-D) space, looked up off the main thread (src/jobs/neighbours-client.ts).
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Metric } from '../../jobs/engine-api';
import type { Ingested } from '../../jobs/ingest-client';
import { NeighbourFinder } from '../../jobs/neighbours-client';
import { messageOf } from '../../io/error-message';

/** How many neighbours an exact search lists (a stored graph lists its own n_neighbors − 1). */
const INSPECT_K = 15;

export type NeighbourState =
  | { status: 'loading' }
  | { status: 'done'; indices: number[]; distances: number[]; source: 'graph' | 'exact' }
  | { status: 'none'; reason: string }
  | { status: 'error'; message: string };

export function createInspector(o: {
  n: Accessor<number>;
  /** How many of the points shown are the fitted rows (the rest were added later). */
  fitted: Accessor<number>;
  input: Accessor<Ingested | null>;
  metric: Accessor<Metric>;
  jobId: Accessor<string | null>;
}) {
  const [row, setRow] = createSignal<number | null>(null);
  const [neighbours, setNeighbours] = createSignal<NeighbourState>({ status: 'loading' });
  const finder = new NeighbourFinder();
  onCleanup(() => finder.dispose());
  let asked = 0;

  const inspect = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= o.n()) return;
    setRow(i);
    const ticket = ++asked;
    const ds = o.input()?.dataset;
    if (i >= o.fitted()) return setNeighbours({ status: 'none', reason: 'This point was added to the finished map; neighbours in the original space are listed for the fitted points.' });
    if (!ds || ds.d === 0 || ds.n !== o.fitted())
      return setNeighbours({ status: 'none', reason: 'This map was opened without its vectors, so its neighbours in the original space are unknown. Load the data and run it to see them.' });
    setNeighbours({ status: 'loading' });
    finder.find({ data: ds.data, n: ds.n, d: ds.d, row: i, k: INSPECT_K, metric: o.metric(), jobId: o.jobId() }).then(
      (found) => {
        if (ticket === asked) setNeighbours({ status: 'done', indices: Array.from(found.indices), distances: Array.from(found.distances), source: found.source });
      },
      (err: unknown) => {
        if (ticket === asked) setNeighbours({ status: 'error', message: `The neighbour search failed: ${messageOf(err)}` });
      },
    );
  };

  return {
    /** The inspected point, or null when the inspector is closed. */
    row,
    neighbours,
    inspect,
    close: () => {
      asked++;
      setRow(null);
    },
  };
}
