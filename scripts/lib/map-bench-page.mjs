// The pan bench's probe inside the page, installed before the app's own scripts run
// (page.addInitScript). It times real input (Playwright's mouse and keyboard) in the page: from the
// input event's own timestamp to the moment the DOM (or the map's colour) shows the answer, and to
// the end of the frame that puts it on screen (the first task after the next animation frame: by
// then that frame's main-thread work, its commit included, is done). It also records every long
// main-thread task, from page load on.

/** Runs in the page: everything it defines hangs off window.__bench. */
export function installBenchProbe() {
  const bench = {
    longtasks: [],
    marks: {},
    frames: null,
    mark(name) {
      bench.marks[name] = performance.now();
    },
  };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    bench.longtasks = null;
  }

  const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
  /** What each probe reads; a measurement ends when it differs from what it read at arm time. */
  const probes = {
    tooltip: () => text('[data-testid=tooltip] strong'),
    selection: () => `${text('[data-testid=selection-count]')}|${text('[data-testid=search-note]')}`,
    inspector: () => text('[data-testid=inspector-title]'),
    // The colours of a few points (one per cluster), so any recolouring changes at least one.
    color: (ids) => {
      const c = ids.map((i) => window.__mapstream?.pointColor?.(i) ?? null);
      return c.includes(null) ? null : c.join(' ');
    },
  };
  // A message posted from a frame's animation callback is handled after that frame's commit (with
  // software compositing, the commit reads the WebGL canvas back, waiting for the GPU process).
  /**
   * The start of the first of three animation frames in a row that each took under 100 ms: the
   * renderer and the GPU process are done with whatever was asked of them (idle frames are ~17 ms;
   * a frame that draws 200k points here takes ~250 ms).
   */
  const quiet = () =>
    new Promise((resolve) => {
      const starts = [];
      const poll = (t) => {
        starts.push(t);
        const k = starts.length;
        if (k >= 4 && starts[k - 1] - starts[k - 2] < 100 && starts[k - 2] - starts[k - 3] < 100 && starts[k - 3] - starts[k - 4] < 100) resolve(starts[k - 4]);
        // A page that never calms down (a machine too loaded for 100 ms frames) gives no answer.
        else if (t - starts[0] > 120_000) resolve(null);
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });
  bench.quiet = quiet;
  const frame = () =>
    new Promise((r) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => r(performance.now());
        ch.port2.postMessage(null);
      }),
    );

  /**
   * Arms one measurement: the first `event` (window, capture phase) starts it; it ends when
   * probe(arg) differs from its value now and is not null (a tooltip between two points is no
   * answer) and, with `until`, equals it. DOM probes are checked on
   * every DOM change, the colour on every animation frame. With `idle`, it also waits for the page
   * to be quiet again (idleMs). Resolves to the times, or an error.
   */
  bench.arm = ({ event, probe, arg, until, timeoutMs, idle }) => {
    const read = () => probes[probe](arg);
    const before = read();
    const canvas = document.querySelector('[data-testid=map]');
    const box = canvas.getBoundingClientRect();
    let start = null;
    const onEvent = (e) => {
      if (start !== null) return;
      start = { stamp: e.timeStamp, seen: performance.now(), at: 'clientX' in e ? [e.clientX - box.left, e.clientY - box.top] : null };
    };
    window.addEventListener(event, onEvent, { capture: true });
    bench.armed = new Promise((resolve) => {
      let done = false;
      let matched = false;
      let observer = null;
      const finish = (out) => {
        done = true;
        observer?.disconnect();
        window.removeEventListener(event, onEvent, { capture: true });
        clearTimeout(timer);
        resolve(out);
      };
      const check = () => {
        if (matched || start === null) return;
        const now = read();
        if (now === before || now === null || (until !== undefined && now !== until)) return;
        matched = true;
        const shown = performance.now();
        void frame().then(async (painted) => {
          const out = { ms: shown - start.stamp, frameMs: painted - start.stamp, handlerMs: start.seen - start.stamp, value: now, at: start.at };
          if (idle) {
            const calm = await quiet();
            out.idleMs = calm === null ? null : calm - start.stamp;
          }
          finish(out);
        });
      };
      const timer = setTimeout(() => finish({ error: `no change of ${probe} within ${timeoutMs} ms (still ${JSON.stringify(read())}, event seen: ${start !== null})` }), timeoutMs);
      if (probe === 'color') {
        const poll = () => {
          check();
          if (!matched && !done) requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      } else {
        observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }
    });
    return before;
  };

  /**
   * Frame intervals by requestAnimationFrame, between startFrames and stopFrames, each with whether
   * the camera had moved in the frame it starts from (the renderer's callback runs before this one,
   * so a moved camera there means that frame drew the points anew, and the interval is its cost).
   */
  bench.startFrames = () => {
    const frames = [];
    bench.frames = frames;
    let last = performance.now();
    let lastView = null;
    let moved = false;
    const tick = (t) => {
      if (bench.frames !== frames) return;
      frames.push([t - last, moved]);
      const view = JSON.stringify(window.__mapstream?.view?.() ?? null);
      moved = lastView !== null && view !== lastView;
      lastView = view;
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  bench.stopFrames = () => {
    const f = bench.frames ?? [];
    bench.frames = null;
    return f.slice(1);
  };

  /**
   * Load: from the file input's change event to the first picture (the preview canvas) and to the
   * interactive map drawn (the WebGL map uncovered, its points placed), checked every frame.
   */
  bench.watchLoad = () =>
    new Promise((resolve) => {
      let opened = null;
      let preview = null;
      document.addEventListener(
        'change',
        (e) => {
          if (opened === null && e.target?.dataset?.testid === 'file-input') opened = performance.now();
        },
        { capture: true },
      );
      const poll = (t) => {
        const map = document.querySelector('.map');
        if (opened !== null && preview === null && map?.classList.contains('previewing')) preview = t;
        const drawn = window.__mapstream?.status === 'done' && window.__mapstream.screenPosition?.(0) != null && map && !map.classList.contains('previewing');
        if (opened !== null && drawn) resolve({ previewMs: preview === null ? null : preview - opened, drawnMs: t - opened, opened });
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });

  /** Resolves once the camera has stood still for three frames (a reset view glides there). */
  bench.settled = () =>
    new Promise((resolve) => {
      let last = null;
      let still = 0;
      const poll = () => {
        const view = JSON.stringify(window.__mapstream?.view?.() ?? null);
        still = view === last ? still + 1 : 0;
        last = view;
        if (still >= 3) resolve();
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });

  /** Whether page point (x, y) reaches the map's canvas (no panel, legend or note over it). */
  bench.onMap = (pts) => {
    const canvas = document.querySelector('[data-testid=map]');
    return pts.map(([x, y]) => document.elementFromPoint(x, y) === canvas);
  };
}
