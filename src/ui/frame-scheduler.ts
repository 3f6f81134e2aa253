/**
 * Runs `flush` in an animation frame, at most once per `minIntervalMs`, however often `request` is
 * called. Worker callbacks (progress every epoch, previews every few) arrive far faster than anyone
 * reads a progress bar; each screen update costs style, layout and a canvas commit on the main
 * thread, so fewer, batched updates keep its tasks short.
 */
export interface FrameScheduler {
  request(): void;
  cancel(): void;
}

export function frameScheduler(flush: () => void, minIntervalMs = 100): FrameScheduler {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: number | null = null;
  let last = -Infinity;
  return {
    request() {
      if (timer !== null || frame !== null) return;
      const wait = Math.max(0, last + minIntervalMs - performance.now());
      timer = setTimeout(() => {
        timer = null;
        frame = requestAnimationFrame(() => {
          frame = null;
          last = performance.now();
          flush();
        });
      }, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      if (frame !== null) cancelAnimationFrame(frame);
      timer = null;
      frame = null;
    },
  };
}

export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Run fn once the page is idle (or after 500 ms at most); returns a cancel. */
export function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 500 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 50);
  return () => clearTimeout(id);
}
