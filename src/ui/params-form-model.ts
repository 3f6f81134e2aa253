import { DEFAULT_PARAMS, resolveParams, type UmapParams } from '../jobs/engine-api';
import { messageOf } from '../io/error-message';
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

/** The text fields, in the form's order: Run reports the first bad one. */
export const TEXT_FIELDS = [
  { key: 'nNeighbors', label: 'n_neighbors' },
  { key: 'minDist', label: 'min_dist' },
  { key: 'spread', label: 'spread' },
  { key: 'nEpochs', label: 'n_epochs' },
  { key: 'seed', label: 'seed' },
] as const;

export type TextField = (typeof TEXT_FIELDS)[number]['key'];

/** One text field's value as the engine takes it; throws its syntax problem. */
function parseField(key: TextField, f: ParamsFormState): Partial<UmapParams> {
  switch (key) {
    case 'nNeighbors':
      return { nNeighbors: num('n_neighbors', f.nNeighbors, true) };
    case 'minDist':
      return { minDist: num('min_dist', f.minDist, false) };
    case 'spread':
      return { spread: num('spread', f.spread, false) };
    case 'nEpochs': {
      const epochs = f.nEpochs.trim().toLowerCase();
      return { nEpochs: epochs === '' || epochs === 'auto' ? null : num('n_epochs', f.nEpochs, true) };
    }
    case 'seed':
      return { seed: num('seed', f.seed, true) };
  }
}

/** Syntax only; ranges (and their dependence on the data's size) are the engine's resolveParams' job. */
export function readParams(f: ParamsFormState): Partial<UmapParams> {
  const out: Partial<UmapParams> = {};
  for (const { key } of TEXT_FIELDS) Object.assign(out, parseField(key, f));
  return { ...out, metric: f.metric, nComponents: f.nComponents === '3' ? 3 : 2 };
}

/**
 * What is wrong with each text field, by the rules Run applies (readParams' syntax, then the
 * engine's resolveParams for `n` points; null: no data yet, so only the rules that hold for any
 * size), so the form can say it beside the field before Run. A rule across fields (min_dist ≤
 * spread, n_neighbors < points) is told at the first field its message names.
 */
export function fieldProblems(f: ParamsFormState, n: number | null): Partial<Record<TextField, string>> {
  const problems: Partial<Record<TextField, string>> = {};
  const good: Partial<UmapParams> = {};
  const size = n ?? Number.POSITIVE_INFINITY;
  for (const { key } of TEXT_FIELDS) {
    try {
      const v = parseField(key, f);
      // Alone, with the other side of min_dist ≤ spread out of the way: that rule is checked below
      // with both values.
      resolveParams({ minDist: 0, spread: Number.MAX_VALUE, ...v }, size);
      Object.assign(good, v);
    } catch (err) {
      problems[key] = messageOf(err);
    }
  }
  if (Object.keys(problems).length > 0) return problems;
  try {
    resolveParams({ ...good, metric: f.metric, nComponents: f.nComponents === '3' ? 3 : 2 }, size);
  } catch (err) {
    const message = messageOf(err);
    let first: TextField = 'nNeighbors';
    let at = Number.POSITIVE_INFINITY;
    for (const { key, label } of TEXT_FIELDS) {
      const i = message.indexOf(label);
      if (i >= 0 && i < at) [first, at] = [key, i];
    }
    problems[first] = message;
  }
  return problems;
}
