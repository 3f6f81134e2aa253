import type { PhaseName, ProgressEvent } from '../engine/types';
import { PHASES } from '../engine/types';

/** A progress event as the page sees it: the Worker's event with the times measured here. */
export interface JobProgress extends ProgressEvent {
  elapsedS: number;
  etaS: number | null;
  phaseElapsedS: number;
}

/**
 * Typical share of run time per phase, measured on our benchmarks; used only until a phase has run
 * long enough to give its own rate.
 */
const PRIOR_WEIGHT: Record<PhaseName, number> = { knn: 0.4, graph: 0.03, init: 0.05, layout: 0.52 };

/** Below this share of a phase done in this run, its rate is noise. */
const MIN_FRACTION = 0.02;
const MIN_SECONDS = 0.2;

/**
 * ETA = the current phase's remaining work at the rate measured in this run, plus the phases still
 * to come, sized from the time the phases this run went through took and their prior weights.
 *
 * One estimator lives for one run. A run that resumes from a checkpoint starts with part of its
 * phase done: that part took no time in this run, so the rate counts only the work done since the
 * run's first report of the phase (otherwise a resume at 90 % would look nearly finished at once).
 * Phases finished in an earlier run are not evidence of this run's pace either.
 */
export class EtaEstimator {
  private start = performance.now();
  private phaseStart = new Map<PhaseName, { t: number; done: number }>();
  private phaseEnd = new Map<PhaseName, number>();

  update(e: ProgressEvent): JobProgress {
    const t = performance.now();
    if (!this.phaseStart.has(e.phase)) {
      // Every earlier phase is over once a later one reports.
      for (const p of PHASES) {
        if (p === e.phase) break;
        if (this.phaseStart.has(p) && !this.phaseEnd.has(p)) this.phaseEnd.set(p, t);
      }
      this.phaseStart.set(e.phase, { t, done: e.done });
    }
    if (e.done >= e.total && !this.phaseEnd.has(e.phase)) this.phaseEnd.set(e.phase, t);
    const from = this.phaseStart.get(e.phase)!;
    const phaseElapsed = (t - from.t) / 1000;
    const frac = e.total > 0 ? e.done / e.total : 0;
    const fracHere = e.total > 0 ? (e.done - from.done) / e.total : 0;
    let remainingHere: number | null = null;
    if (frac >= 1) remainingHere = 0;
    else if (fracHere > MIN_FRACTION && phaseElapsed > MIN_SECONDS) remainingHere = (phaseElapsed * (1 - frac)) / fracHere;

    const idx = PHASES.indexOf(e.phase);
    let doneWeight = 0;
    let doneTime = 0;
    for (let i = 0; i < idx; i++) {
      const p = PHASES[i]!;
      const s = this.phaseStart.get(p);
      if (!s) continue;
      doneWeight += PRIOR_WEIGHT[p];
      doneTime += ((this.phaseEnd.get(p) ?? t) - s.t) / 1000;
    }
    // The current phase's own projection counts as evidence of the run's pace too: the whole phase
    // at this run's rate.
    let paceWeight = doneWeight;
    let paceTime = doneTime;
    if (remainingHere !== null && fracHere > 0) {
      paceWeight += PRIOR_WEIGHT[e.phase];
      paceTime += phaseElapsed / fracHere;
    }
    let future = 0;
    for (let i = idx + 1; i < PHASES.length; i++) future += PRIOR_WEIGHT[PHASES[i]!];
    let etaS: number | null = null;
    if (remainingHere !== null && paceWeight > 0) etaS = remainingHere + (future * paceTime) / paceWeight;
    else if (remainingHere === 0 && future === 0) etaS = 0;
    return {
      phase: e.phase,
      done: e.done,
      total: e.total,
      unit: e.unit,
      label: e.label,
      elapsedS: (t - this.start) / 1000,
      etaS,
      phaseElapsedS: phaseElapsed,
    };
  }
}
