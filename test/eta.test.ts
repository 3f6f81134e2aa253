import { afterEach, describe, expect, it, vi } from 'vitest';
import { EtaEstimator } from '../src/jobs/eta';

let now = 0;
afterEach(() => vi.restoreAllMocks());
function clock() {
  now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
}
const layout = (done: number, total = 100) => ({ phase: 'layout' as const, done, total, unit: 'epochs' as const });

describe('EtaEstimator', () => {
  it('a fresh layout: remaining epochs at the measured rate', () => {
    clock();
    const eta = new EtaEstimator();
    eta.update(layout(10));
    now = 1000;
    // 10 more epochs in 1 s: 80 left take 8 s.
    expect(eta.update(layout(20)).etaS).toBeCloseTo(8, 6);
  });

  it('a run resumed at 90 %: the rate is this run’s, not the checkpoint’s progress over this run’s time', () => {
    clock();
    const eta = new EtaEstimator();
    // The checkpoint had 90 epochs done; this run then does 2 epochs per second.
    expect(eta.update(layout(90)).etaS).toBeNull();
    now = 1500;
    const p = eta.update(layout(93));
    // 3 epochs in 1.5 s, 7 left: 3.5 s. (Counting the 90 resumed epochs as done in 1.5 s would say 0.17 s.)
    expect(p.etaS).toBeCloseTo(3.5, 6);
  });

  it('a run resumed in kNN: later phases are sized from this run’s pace, not from phases that never ran here', () => {
    clock();
    const eta = new EtaEstimator();
    const knn = (done: number) => ({ phase: 'knn' as const, done, total: 1000, unit: 'points' as const });
    eta.update(knn(500));
    now = 1000;
    const p = eta.update(knn(600));
    // kNN: 100 points/s, 400 left = 4 s; the whole kNN phase at this pace = 10 s for weight 0.4, so
    // graph + init + layout (weight 0.6) = 15 s.
    expect(p.etaS).toBeCloseTo(4 + 15, 6);
  });

  it('a layout resumed after kNN, graph and init ran in an earlier run: no zero-length phases in the pace', () => {
    clock();
    const eta = new EtaEstimator();
    eta.update(layout(50, 200));
    now = 2000;
    // 25 epochs in 2 s; 125 left = 10 s, and nothing comes after the layout.
    expect(eta.update(layout(75, 200)).etaS).toBeCloseTo(10, 6);
  });
});
