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

/**
 * ETA = the current phase's remaining work at its measured rate, plus the phases still to come,
 * sized from the time the finished phases took and their prior weights.
 */
export class EtaEstimator {
  private start = performance.now();
  private phaseStart = new Map<PhaseName, number>();
  private phaseEnd = new Map<PhaseName, number>();

  update(e: ProgressEvent): JobProgress {
    const t = performance.now();
    if (!this.phaseStart.has(e.phase)) {
      // Every earlier phase is over once a later one reports.
      for (const p of PHASES) {
        if (p === e.phase) break;
        if (!this.phaseEnd.has(p)) this.phaseEnd.set(p, t);
      }
      this.phaseStart.set(e.phase, t);
    }
    if (e.done >= e.total && !this.phaseEnd.has(e.phase)) this.phaseEnd.set(e.phase, t);
    const phaseElapsed = (t - this.phaseStart.get(e.phase)!) / 1000;
    const frac = e.total > 0 ? e.done / e.total : 0;
    let remainingHere: number | null = null;
    if (frac >= 1) remainingHere = 0;
    else if (frac > 0.02 && phaseElapsed > 0.2) remainingHere = (phaseElapsed * (1 - frac)) / frac;

    const idx = PHASES.indexOf(e.phase);
    let doneWeight = 0;
    let doneTime = 0;
    for (let i = 0; i < idx; i++) {
      const p = PHASES[i]!;
      doneWeight += PRIOR_WEIGHT[p];
      doneTime += ((this.phaseEnd.get(p) ?? t) - (this.phaseStart.get(p) ?? t)) / 1000;
    }
    // The current phase's own projection counts as evidence of the run's pace too.
    let paceWeight = doneWeight;
    let paceTime = doneTime;
    if (remainingHere !== null) {
      paceWeight += PRIOR_WEIGHT[e.phase];
      paceTime += phaseElapsed + remainingHere;
    }
    let future = 0;
    for (let i = idx + 1; i < PHASES.length; i++) future += PRIOR_WEIGHT[PHASES[i]!];
    let etaS: number | null = null;
    if (remainingHere !== null && paceWeight > 0) etaS = remainingHere + (future * paceTime) / paceWeight;
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
