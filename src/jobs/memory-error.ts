/**
 * An allocation the browser refused: a RangeError ("Array buffer allocation failed", "could not
 * allocate memory"), thrown here or in a Worker (Comlink brings it back as an Error of that name).
 * Other RangeErrors are bugs, and keep their own message.
 */
export function isOutOfMemory(e: unknown): e is Error {
  return e instanceof Error && e.name === 'RangeError' && /allocat|memory/i.test(e.message);
}
