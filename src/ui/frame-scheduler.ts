/**
 * Runs `flush` at most once per animation frame however often `request` is called. Worker callbacks
 * (progress every epoch, previews every few) arrive faster than the screen refreshes; handling each
 * one on arrival would spend main-thread time on states nobody sees.
 */
export interface FrameScheduler {
  request(): void;
  cancel(): void;
}

export function frameScheduler(flush: () => void): FrameScheduler {
  let id: number | null = null;
  return {
    request() {
      if (id !== null) return;
      id = requestAnimationFrame(() => {
        id = null;
        flush();
      });
    },
    cancel() {
      if (id !== null) cancelAnimationFrame(id);
      id = null;
    },
  };
}
