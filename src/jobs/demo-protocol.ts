// The demo Worker's protocol (workers/demo.worker.ts): a synthetic source in, its dataset out. It has
// no callbacks: one request, one answer.
import type { Categories, Dataset } from '../io';
import type { LinkSource } from '../share/link';

/** The link sources that are generated rather than fetched. */
export type SyntheticSource = Exclude<LinkSource, { kind: 'digits' } | { kind: 'url' }>;

/** Errors cross as plain data. */
type DemoOutcome = { ok: true; dataset: Dataset; categories: Categories | null } | { ok: false; message: string };

export interface DemoWorkerApi {
  generate(source: SyntheticSource): DemoOutcome;
}
