// The bench's JSON lines: one per implementation, one per re-run, with quality beside every time.
import { cpus, loadavg } from 'node:os';
import { memoryByPhase } from './proc-memory.mjs';

export const round = (x, digits = 3) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

/**
 * A persisted fit's checkpoint cost, from the writer's log line ("Checkpoints: … N ms of engine time"):
 * the time the engine waited on checkpoints, and that as a share of the run's engine time.
 */
function checkpointCost(notes, wallS) {
  const line = (notes ?? []).find((l) => l.startsWith('Checkpoints:'));
  const m = line ? /(\d+) ms of engine time/.exec(line) : null;
  if (!m) return { checkpoint_s: null, checkpoint_share: null };
  const s = Number(m[1]) / 1000;
  return { checkpoint_s: round(s), checkpoint_share: round(s / wallS, 4) };
}

/** One implementation's line: r is runOne's result, q its quality against the sample's reference. */
export function resultLine(impl, r, q, opts, ref, params) {
  const mem = r.res.progressGap && r.peak.samples ? memoryByPhase(r.peak.samples, r.res.progressGap.timeline, r.baseline.rssMb) : null;
  return {
    impl,
    // What ran, which for --backend auto/webgpu may be the CPU fallback; backend_reason says why.
    backend: r.res.backend,
    n: r.loaded.n,
    d: r.loaded.d,
    wall_s: round(r.res.wallS),
    parse_s: round(r.loaded.parseS),
    rows: r.loaded.rows,
    phases: {
      knn: round(r.res.phases.knn),
      graph: round(r.res.phases.graph),
      init: round(r.res.phases.init),
      optimise: round(r.res.phases.optimise),
    },
    peak_memory_mb: Math.round(r.peak.rssMb - r.baseline.rssMb),
    // mapstream: the step the peak fell in, and each phase's own peak (the same RSS above the baseline).
    ...(mem ? { peak_memory_at: mem.at, peak_memory_by_phase_mb: mem.byPhase } : {}),
    peak_rss_mb: Math.round(r.peak.rssMb),
    peak_pss_mb: Math.round(r.peak.pssMb),
    trustworthiness_15: round(q.trustworthiness, 4),
    knn_recall_15: round(q.knnRecall, 4),
    knn10_acc: q.knnAccuracy === null ? null : round(q.knnAccuracy, 4),
    epochs: r.res.epochs,
    backend_requested: impl === 'mapstream' ? opts.backend : 'cpu',
    threads: impl === 'mapstream' ? (opts.threads ?? cpus().length) : 1,
    backend_reason: r.res.backendReason,
    page_wall_s: round(r.res.pageWallS),
    // mapstream: the longest wait between two progress events the page received, and the step it fell in.
    ...(r.res.progressGap
      ? {
          max_progress_gap_s: round(r.res.progressGap.maxS),
          max_progress_gap_at: r.res.progressGap.to,
          progress_gaps_over_1s: r.res.progressGap.overOneS,
          progress_gaps_top: r.res.progressGap.top.map((g) => ({ s: round(g.s), from: g.from, to: g.to })),
          progress_events: r.res.progressGap.events,
        }
      : {}),
    ...(impl === 'mapstream' && opts.persist ? checkpointCost(r.res.notes, r.res.wallS) : {}),
    fetch_s: round(r.loaded.fetchS),
    cross_origin_isolated: r.isolated,
    // Other processes on the machine skew timings: the 1-minute load average just before the run.
    load_1m: round(r.load1m, 2),
    cores: cpus().length,
    sample: ref.sampleSize,
    params,
  };
}

/** A transform's fields, added to the fit's line: t is the transform's result, tq its new points' quality. */
export function transformFields(t, tq) {
  return {
    // The fit above ran as a persisted app job (rows stored, checkpoints, model kept), which its times include.
    fit_persisted: true,
    transform_s: round(t.transformS),
    transform_job_s: round(t.jobS),
    transform_load_1m: round(t.load1m, 2),
    transform_n: t.n,
    fitted_moved: t.fittedMoved,
    fitted_identical: t.fittedIdentical,
    transform_phases: { knn: round(t.phases.knn), graph: round(t.phases.graph), init: round(t.phases.init), layout: round(t.phases.layout) },
    transform_epochs: t.epochs,
    transform_parse_s: round(t.loaded.parseS),
    new_knn_recall_15: round(tq.recall15, 4),
    new_knn10_acc: tq.accuracy10 === null ? null : round(tq.accuracy10, 4),
    new_trustworthiness_15: round(tq.trustworthiness15, 4),
    transform_scored: tq.scored,
  };
}

/** A re-run's line (--relayout), against the full run r. */
export function relayoutLine(re, r, rq, params) {
  return {
    impl: 'mapstream-relayout',
    backend: r.res.backend,
    n: r.loaded.n,
    d: r.loaded.d,
    change: re.change,
    reused: re.reused,
    // Engine phases plus the graph lookup (content key and read from IndexedDB), as the full run's wall_s.
    wall_s: round(re.wallS),
    graph_load_s: round(re.loadS),
    relayout_ratio: round(re.wallS / r.res.wallS, 4),
    phases: { knn: round(re.phases.knn), graph: round(re.phases.graph), init: round(re.phases.init), optimise: round(re.phases.optimise) },
    trustworthiness_15: round(rq.trustworthiness, 4),
    knn_recall_15: round(rq.knnRecall, 4),
    knn10_acc: rq.knnAccuracy === null ? null : round(rq.knnAccuracy, 4),
    epochs: re.epochs,
    load_1m: round(loadavg()[0], 2),
    params: { ...params, ...re.change },
  };
}
