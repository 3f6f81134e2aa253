/// <reference lib="webworker" />
// Exact high-D neighbours of one point for the point inspector, off the main thread.
import * as Comlink from 'comlink';
import { messageOf } from '../src/io/error-message';
import { exactNeighbours } from '../src/jobs/neighbour-search';
import type { NeighboursWorkerApi } from '../src/jobs/neighbours-protocol';

let rows: { data: Float32Array; n: number; d: number } | null = null;

const api: NeighboursWorkerApi = {
  begin(n, d, shared) {
    rows = { data: shared ?? new Float32Array(n * d), n, d };
  },
  append(at, slice) {
    rows?.data.set(slice, at);
  },
  nearest(row, k, metric) {
    try {
      if (!rows) throw new Error('No rows were loaded for the neighbour search.');
      const out = exactNeighbours(rows.data, rows.n, rows.d, row, k, metric);
      return Comlink.transfer({ ok: true as const, ...out }, [out.indices.buffer, out.distances.buffer]);
    } catch (err) {
      return { ok: false as const, message: messageOf(err) };
    }
  },
};

Comlink.expose(api);
