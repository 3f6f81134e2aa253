/// <reference lib="webworker" />
// Builds the synthetic demo datasets off the main thread: a million rows take seconds to generate.
import * as Comlink from 'comlink';
import { encodeCategories, type Dataset } from '../src/io';
import { generate } from '../src/share/generators';
import type { DemoWorkerApi } from '../src/jobs/demo-protocol';
import { messageOf } from '../src/io/error-message';

const api: DemoWorkerApi = {
  generate(source) {
    try {
      const g = generate(source);
      const dataset: Dataset = {
        data: g.data,
        n: g.n,
        d: g.d,
        labels: g.labels,
        labelName: g.labelName,
        columns: Array.from({ length: g.d }, (_, i) => `c${i}`),
        fileName: g.name,
      };
      const categories = encodeCategories(g.labels);
      const transfers: Transferable[] = [g.data.buffer as ArrayBuffer];
      if (categories) transfers.push(categories.codes.buffer as ArrayBuffer);
      return Comlink.transfer({ ok: true as const, dataset, categories }, transfers);
    } catch (err) {
      return { ok: false as const, message: messageOf(err) };
    }
  },
};

Comlink.expose(api);
