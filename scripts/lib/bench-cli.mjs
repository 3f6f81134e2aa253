// The bench's command line and the paths it works in.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WORK = join(ROOT, '.bench');
// Per-run scratch (helper bundle, build), so concurrent benches and other people's builds cannot collide.
export const RUN_DIR = join(WORK, `run-${process.pid}`);
const PEERS = ['umap-js', 'embedding-atlas'];
// Keep in step with OUR_BACKENDS in bench/page/impl-ours.ts.
const BACKENDS = ['auto', 'cpu', 'webgpu'];
export const QUALITY_K = 15;
export const SYNTHETIC_SEED = 1;

export const log = (...a) => console.error('[bench]', ...a);

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- (--data FILE [--metadata FILE] [--drop-bad-rows] [--max-dim N] | --synthetic NxD) [--labels y.npy] [--out EMB.npy] [--save-all DIR]
  [--seed 42] [--compare umap-js,embedding-atlas] [--n-neighbors 15] [--min-dist 0.1] [--epochs N]
  [--metric euclidean|cosine] [--backend cpu|auto|webgpu] [--threads N] [--sample 2000] [--persist] [--no-build [--dist DIR]] [--no-ours] [--timeout-min 30] [--profile DIR]
  [--transform NEW_FILE [--transform-labels y.npy] | --transform-synthetic M (with --synthetic)] [--out-transform NEW_EMB.npy] [--transform-sample 2000]
  [--relayout min_dist=0.5[,seed=2,spread=1.5,n_epochs=N,warm=1]]  (repeatable: each is a re-run reusing the full run's graphs; warm=1 starts it from the full run's map)`;

/** `min_dist=0.5,seed=2`: the layout parameters a re-run changes (the graph's stay, so it is reused). */
const RELAYOUT_KEYS = { min_dist: 'minDist', spread: 'spread', seed: 'seed', n_epochs: 'nEpochs', warm: 'warm' };
function parseRelayout(spec) {
  const change = {};
  for (const part of spec.split(',')) {
    const [k, v, ...extra] = part.split('=').map((x) => x.trim());
    const key = RELAYOUT_KEYS[k];
    const num = Number(v);
    if (!key || extra.length || v === undefined || v === '' || !Number.isFinite(num)) {
      throw new UsageError(`--relayout: "${part}" is not NAME=NUMBER with NAME one of ${Object.keys(RELAYOUT_KEYS).join(', ')}.`);
    }
    if ((key === 'seed' || key === 'nEpochs') && !Number.isInteger(num)) throw new UsageError(`--relayout: ${k} must be a whole number (got ${v}).`);
    // warm=1: the re-run starts its layout from the full run's map (the app's "Start from the current map").
    if (key === 'warm' && num !== 0 && num !== 1) throw new UsageError(`--relayout: warm must be 0 or 1 (got ${v}).`);
    change[key] = num;
  }
  return change;
}

export function parseCli(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        data: { type: 'string' },
        labels: { type: 'string' },
        metadata: { type: 'string' },
        'drop-bad-rows': { type: 'boolean', default: false },
        'max-dim': { type: 'string' },
        out: { type: 'string' },
        'save-all': { type: 'string' },
        seed: { type: 'string', default: '42' },
        compare: { type: 'string', default: '' },
        'n-neighbors': { type: 'string', default: '15' },
        'min-dist': { type: 'string', default: '0.1' },
        epochs: { type: 'string' },
        metric: { type: 'string', default: 'euclidean' },
        synthetic: { type: 'string' },
        backend: { type: 'string', default: 'cpu' },
        threads: { type: 'string' },
        sample: { type: 'string', default: '2000' },
        'no-build': { type: 'boolean', default: false },
        dist: { type: 'string', default: 'dist-bench' },
        'no-ours': { type: 'boolean', default: false },
        'timeout-min': { type: 'string', default: '30' },
        transform: { type: 'string' },
        'transform-labels': { type: 'string' },
        'transform-synthetic': { type: 'string' },
        'out-transform': { type: 'string' },
        'transform-sample': { type: 'string', default: '2000' },
        relayout: { type: 'string', multiple: true, default: [] },
        persist: { type: 'boolean', default: false },
        profile: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err.message);
  }
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const int = (name, min) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got ${values[name]}).`);
    return v;
  };
  if (!values.data === !values.synthetic) throw new UsageError('Give exactly one of --data FILE.npy or --synthetic NxD.');
  let synthetic = null;
  if (values.synthetic) {
    const m = /^(\d+)x(\d+)$/.exec(values.synthetic);
    if (!m) throw new UsageError(`--synthetic must look like 70000x784 (got ${values.synthetic}).`);
    synthetic = { n: Number(m[1]), d: Number(m[2]) };
  }
  // --data may be any format the app reads; other formats are converted by the app's own parsers.
  for (const f of ['labels', 'out', 'transform-labels', 'out-transform']) {
    if (values[f] && !values[f].endsWith('.npy')) throw new UsageError(`--${f} must be a .npy file (got ${values[f]}).`);
  }
  const compare = values.compare
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of compare) if (!PEERS.includes(c)) throw new UsageError(`--compare: unknown implementation "${c}" (known: ${PEERS.join(', ')}).`);
  if (!['euclidean', 'cosine'].includes(values.metric)) throw new UsageError(`--metric must be euclidean or cosine (got ${values.metric}).`);
  if (!BACKENDS.includes(values.backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got ${values.backend}).`);
  const minDist = Number(values['min-dist']);
  if (!(minDist >= 0)) throw new UsageError(`--min-dist must be a number ≥ 0 (got ${values['min-dist']}).`);
  const impls = [...(values['no-ours'] ? [] : ['mapstream']), ...new Set(compare)];
  const relayout = values.relayout.map(parseRelayout);
  if (relayout.length > 0 && values['no-ours']) throw new UsageError('--relayout re-runs mapstream; it cannot be combined with --no-ours.');
  if (values.out && values['no-ours']) throw new UsageError("--out writes mapstream's embedding; it cannot be combined with --no-ours (use --save-all DIR).");
  if (impls.length === 0) throw new UsageError('Nothing to run: --no-ours without --compare.');
  if (values.transform && values['transform-synthetic']) throw new UsageError('Give at most one of --transform FILE and --transform-synthetic M.');
  if (values['transform-synthetic'] && !synthetic) throw new UsageError('--transform-synthetic M needs --synthetic NxD: the new points come from the same mixture.');
  if (values['transform-synthetic'] !== undefined && !/^[1-9]\d*$/.test(values['transform-synthetic']))
    throw new UsageError(`--transform-synthetic must be a row count ≥ 1 (got ${values['transform-synthetic']}).`);
  const transforming = Boolean(values.transform || values['transform-synthetic']);
  if (!transforming && (values['transform-labels'] || values['out-transform']))
    throw new UsageError('--transform-labels and --out-transform need --transform FILE (or --transform-synthetic M).');
  if (values['transform-labels'] && !values.transform) throw new UsageError('--transform-labels goes with --transform FILE (--transform-synthetic has its own labels).');
  if (transforming && values['no-ours']) throw new UsageError("--transform places points into mapstream's map; it cannot be combined with --no-ours.");
  if (values.persist && values['no-ours']) throw new UsageError("--persist runs mapstream's fit as a persisted job; it cannot be combined with --no-ours.");
  return {
    data: values.data ? resolve(values.data) : null,
    labels: values.labels ? resolve(values.labels) : null,
    metadata: values.metadata ? resolve(values.metadata) : null,
    dropBadRows: values['drop-bad-rows'],
    maxDim: values['max-dim'] === undefined ? undefined : int('max-dim', 1),
    out: values.out ? resolve(values.out) : null,
    saveAll: values['save-all'] ? resolve(values['save-all']) : null,
    synthetic,
    seed: int('seed', 0),
    relayout,
    nNeighbors: int('n-neighbors', 2),
    minDist,
    epochs: values.epochs === undefined ? null : int('epochs', 1),
    metric: values.metric,
    backend: values.backend,
    threads: values.threads === undefined ? null : int('threads', 1),
    sample: int('sample', 2 * QUALITY_K + 2),
    build: !values['no-build'],
    dist: resolve(ROOT, values.dist),
    impls,
    timeoutMs: Number(values['timeout-min']) * 60_000,
    transform: values.transform ? resolve(values.transform) : null,
    transformLabels: values['transform-labels'] ? resolve(values['transform-labels']) : null,
    transformSynthetic: values['transform-synthetic'] === undefined ? null : Number(values['transform-synthetic']),
    outTransform: values['out-transform'] ? resolve(values['out-transform']) : null,
    transformSample: int('transform-sample', 1),
    transforming,
    // The fit runs as a persisted app job (rows stored, checkpoints written); --transform implies it.
    persist: values.persist || transforming,
    // CPU profiles of each implementation's run (page and Workers) under DIR/<impl>, and its top functions.
    profile: values.profile ? resolve(values.profile) : null,
  };
}
