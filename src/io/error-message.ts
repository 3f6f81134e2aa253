/** The text to show for anything thrown: an Error's message, or the value itself. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
