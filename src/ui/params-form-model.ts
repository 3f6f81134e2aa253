import { DEFAULT_PARAMS, type UmapParams } from '../jobs/engine-api';
import type { ParamsFormState } from '../share/params-text';

export type { ParamsFormState };

/** The form's raw text, kept as typed so a half-typed value is never silently replaced. */

// Real-valued parameters keep a decimal point ('1.0', not '1'), so the field reads as the real it is.
const real = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** The engine's defaults as the form shows them. */
export const DEFAULT_FORM: ParamsFormState = {
  nNeighbors: String(DEFAULT_PARAMS.nNeighbors),
  minDist: real(DEFAULT_PARAMS.minDist),
  spread: real(DEFAULT_PARAMS.spread),
  nEpochs: DEFAULT_PARAMS.nEpochs === null ? 'auto' : String(DEFAULT_PARAMS.nEpochs),
  metric: DEFAULT_PARAMS.metric,
  seed: String(DEFAULT_PARAMS.seed),
  nComponents: DEFAULT_PARAMS.nComponents === 3 ? '3' : '2',
};

class ParamsFormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamsFormError';
  }
}

function num(label: string, raw: string, integer: boolean): number {
  const s = raw.trim();
  const v = s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new ParamsFormError(`${label} must be a number (got '${raw}').`);
  if (integer && !Number.isInteger(v)) throw new ParamsFormError(`${label} must be a whole number (got '${raw}').`);
  return v;
}

/** Syntax only; ranges (and their dependence on the data's size) are the engine's resolveParams' job. */
export function readParams(f: ParamsFormState): Partial<UmapParams> {
  const epochs = f.nEpochs.trim().toLowerCase();
  return {
    nNeighbors: num('n_neighbors', f.nNeighbors, true),
    minDist: num('min_dist', f.minDist, false),
    spread: num('spread', f.spread, false),
    nEpochs: epochs === '' || epochs === 'auto' ? null : num('n_epochs', f.nEpochs, true),
    metric: f.metric,
    seed: num('seed', f.seed, true),
    nComponents: f.nComponents === '3' ? 3 : 2,
  };
}
