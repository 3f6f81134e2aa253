// When a batch of added points should rather be part of a refit: placing points never changes the
// map, so a batch that is a large share of it, or that lies far from everything fitted, is shown
// in a map that was not made for it.

/** A batch larger than this share of the fitted map gets the advice (the "say > 50 %"). */
export const LARGE_BATCH_SHARE = 0.5;
/**
 * A batch whose mean distance to its nearest fitted row is more than this many times the fitted
 * map's own mean kNN distance gets the advice: its points are further from the map than the map's
 * points are from each other, so their places are extrapolations.
 */
export const FAR_BATCH_RATIO = 2;

export interface BatchAdviceInput {
  batchSize: number;
  fittedSize: number;
  /** Mean over the new points of the distance to their nearest fitted row (original space). */
  meanNearestDistance: number;
  /** The fitted map's mean distance to its k nearest neighbours (original space). */
  fittedMeanKnnDistance: number;
}

/** The reasons to refit with all points, as sentences; empty when the batch fits the map. */
export function batchAdvice(a: BatchAdviceInput): string[] {
  const out: string[] = [];
  const share = a.fittedSize > 0 ? a.batchSize / a.fittedSize : Infinity;
  if (share > LARGE_BATCH_SHARE) {
    const pct = Number.isFinite(share) ? `${Math.round(share * 100)} %` : 'larger than';
    out.push(
      `This batch is ${pct} of the map's size (${count(a.batchSize)} new points, ${count(a.fittedSize)} fitted): the new points are placed on a map that never saw them. Refitting with all points lets them shape it.`,
    );
  }
  const ratio = a.fittedMeanKnnDistance > 0 ? a.meanNearestDistance / a.fittedMeanKnnDistance : a.meanNearestDistance > 0 ? Infinity : 1;
  if (ratio > FAR_BATCH_RATIO) {
    const times = Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : 'far above';
    out.push(
      `These points are far from the fitted map (mean neighbour distance ${times} the map's): their places are the nearest the map offers, not where they belong. Refitting with all points gives them room.`,
    );
  }
  return out;
}

const count = (v: number) => v.toLocaleString('en-US');
