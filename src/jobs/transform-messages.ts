// What a user is told about a batch that cannot be added to a map, the same from the page and the Worker.

export const EMPTY_BATCH = 'The file has no rows to add.';

export function dimensionMismatch(d: number, fittedD: number): string {
  return `The new points have ${d} dimensions; the map was fitted on ${fittedD}.`;
}
