// The account of the job shown: per-phase progress bars, elapsed time and the summary line (its log
// is the job's own, in job-logs.ts).
import { batch, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { autoEpochs, PHASES, type UmapParams, type UmapResult } from '../../jobs/engine-api';
import type { JobProgress } from '../../jobs/run-job';
import { describeReuse, type GraphReuse } from '../../jobs/graph-store';
import { formatCount, formatSeconds } from '../format';
import type { PhaseProgress } from '../ProgressPanel';

const warmText = (w: { nEpochs: number } | null | undefined) => (w ? `Started from the current map: ${w.nEpochs} epochs.` : null);

export function createRunReport() {
  const [phases, setPhases] = createStore<PhaseProgress>({});
  const [elapsed, setElapsed] = createSignal<number | null>(null);
  const [summary, setSummary] = createSignal<string | null>(null);
  // What the fit took from the graph cache instead of computing, and from which map.
  const [reusedNote, setReusedNote] = createSignal<string | null>(null);
  // A layout that started from the map shown before (a warm re-run or a refit).
  const [warmNote, setWarmNote] = createSignal<string | null>(null);

  return {
    phases,
    elapsed,
    summary,
    reusedNote,
    warmNote,
    /** The shown job's warm start (null: its layout started from the spectral init). */
    warm(w: { nEpochs: number } | null | undefined) {
      setWarmNote(warmText(w));
    },
    /** The shown job's reuse of a stored graph (null: it computed everything). */
    reused(r: GraphReuse | null) {
      setReusedNote(r ? describeReuse(r) : null);
    },
    /** A new run: nothing done yet. */
    reset() {
      batch(() => {
        setPhases(reconcile({}));
        setElapsed(0);
        setSummary(null);
        setReusedNote(null);
        setWarmNote(null);
      });
    },
    /** The newest progress per phase. */
    progress(latest: PhaseProgress) {
      batch(() => {
        let last: JobProgress | undefined;
        for (const phase of PHASES) {
          const p = latest[phase];
          if (!p) continue;
          setPhases(phase, p);
          last = p;
        }
        if (last) setElapsed(last.elapsedS);
      });
    },
    /** The run finished: every bar full, with the phase times the engine measured. */
    finished(res: UmapResult) {
      batch(() => {
        complete(res.timings, res.n, res.warmStart?.nEpochs ?? res.params.nEpochs ?? autoEpochs(res.n));
        setWarmNote(warmText(res.warmStart));
      });
    },
    /** A completed job shown again (from the jobs list or after a reload): its bars and summary, from its record. */
    replay(t: UmapResult['timings'], n: number, params: Partial<UmapParams>, warm: { nEpochs: number } | null | undefined) {
      complete(t, n, warm?.nEpochs ?? params.nEpochs ?? autoEpochs(n));
    },
  };

  /** Every bar full with the engine's phase times; a phase this page saw no report of counts its points. */
  function complete(t: UmapResult['timings'], n: number, epochs: number) {
    const total = t.knn + t.graph + t.init + t.layout;
    batch(() => {
      for (const phase of PHASES) {
        const p = phases[phase];
        if (p) setPhases(phase, { done: p.total, etaS: 0, phaseElapsedS: t[phase] });
        else if (phase !== 'layout') {
          const unit = phase === 'init' ? 'steps' : 'points';
          const size = phase === 'init' ? 1 : n;
          setPhases(phase, { phase, done: size, total: size, unit, elapsedS: total, etaS: 0, phaseElapsedS: t[phase] });
        }
      }
      setPhases('layout', { phase: 'layout', done: epochs, total: epochs, unit: 'epochs', elapsedS: total, etaS: 0, phaseElapsedS: t.layout });
      setElapsed(total);
      setSummary(
        `${formatCount(n)} points in ${formatSeconds(total)} — kNN ${formatSeconds(t.knn)}, graph ${formatSeconds(t.graph)}, init ${formatSeconds(t.init)}, layout ${formatSeconds(t.layout)}`,
      );
    });
  }
}
